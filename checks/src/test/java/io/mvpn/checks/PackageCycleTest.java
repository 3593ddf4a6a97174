package io.mvpn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Packages of the main code form a directed acyclic graph: a package that needs another must not be
 * needed by it, directly or around a loop, so each can be read, tested and moved on its own. The
 * classes come from the compiled bundles (ArchUnit reads the byte code); the loops are the strongly
 * connected components of the package graph.
 */
class PackageCycleTest {

  /** Loops that are known and being taken apart; each leaves this list when it is. */
  static final Set<String> BEING_TAKEN_APART = Set.of();

  @Test
  void mainPackagesDependOnEachOtherWithoutCycles() {
    List<Path> classDirs = SourceTree.classDirs();
    assertThat(classDirs).as("compiled bundles").hasSizeGreaterThan(10);
    JavaClasses classes = new ClassFileImporter().importPaths(classDirs);

    Map<String, Set<String>> uses = new TreeMap<>();
    for (JavaClass c : classes) {
      if (!c.getPackageName().startsWith("io.mvpn")) {
        continue;
      }
      Set<String> out = uses.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = d.getTargetClass().getPackageName();
        if (target.startsWith("io.mvpn") && !target.equals(c.getPackageName())) {
          out.add(target);
        }
      }
    }
    assertThat(cycles(uses))
        .as("package cycles (each line: the packages of one loop)")
        .containsExactlyInAnyOrderElementsOf(BEING_TAKEN_APART);
  }

  @Test
  void aLoopIsFoundOnceWithAllItsPackagesAndADagHasNone() {
    Map<String, Set<String>> graph =
        Map.of(
            "a", Set.of("b"),
            "b", Set.of("c", "d"),
            "c", Set.of("a"),
            "d", Set.of("e"),
            "e", Set.of());
    assertThat(cycles(graph)).containsExactly("a <-> b <-> c");
    assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of()))).isEmpty();
  }

  /** Tarjan's strongly connected components with more than one package, each as "a <-> b <-> c". */
  static Set<String> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    Set<String> found = new TreeSet<>();
    int[] next = {0};
    for (String start : graph.keySet()) {
      if (!index.containsKey(start)) {
        connect(start, graph, index, low, stack, onStack, found, next);
      }
    }
    return found;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      Set<String> found,
      int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, found, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(String.join(" <-> ", component));
      }
    }
  }
}
