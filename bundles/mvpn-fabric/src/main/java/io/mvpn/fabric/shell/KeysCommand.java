package io.mvpn.fabric.shell;

import io.mvpn.api.keys.KeyService;
import io.mvpn.api.keys.KeystoreException;
import io.mvpn.api.keys.StoredKey;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code mvpn:keys list | add ALIAS --hex - | add ALIAS --random BITS | remove ALIAS}: the
 * appliance keystore, where cfg files find their keys as {@code keystore:ALIAS}. The list shows
 * aliases, algorithm and length, never a key; {@code --hex -} (or {@code --hex} alone) asks for the
 * key without echoing it, since a key written on the command line stays in the shell's history (it
 * is still taken so, with a warning). A function reads its keys when it activates, so a changed key
 * takes effect at its next activation (re-save its cfg, or {@code bundle:restart}).
 */
@Service
@Command(
    scope = "mvpn",
    name = "keys",
    description = "The keystore: list, add ALIAS --hex - | --random BITS, remove ALIAS")
public class KeysCommand implements Action {

  static final String USAGE =
      "usage: mvpn:keys list | add ALIAS --hex - | add ALIAS --random BITS | remove ALIAS";

  static final String HISTORY_WARNING =
      "warning: the key is now in the shell history; type it with --hex - instead";

  /** Reads a line from the operator without echoing it. */
  interface Prompt {
    String readHidden(String prompt) throws IOException;
  }

  @Argument(index = 0, name = "action", description = "list, add or remove")
  @Completion(
      value = StringsCompleter.class,
      values = {"list", "add", "remove"})
  String action = "list";

  @Argument(index = 1, name = "alias", description = "The key's alias, as cfg files name it")
  String alias;

  @Option(name = "--hex", description = "add: - to type the key's bytes in hex unseen")
  String hex;

  @Option(name = "--random", description = "add: a fresh random key of this many bits")
  Integer random;

  /** Karaf parses options only before the arguments: these are the ones given after the alias. */
  @Argument(index = 2, name = "options", multiValued = true, description = "--hex H | --random N")
  List<String> trailing;

  @Reference(optional = true)
  KeyService keys;

  @Reference Session session;

  @Override
  public Object execute() {
    PrintStream out = session.getConsole();
    if (keys == null) {
      out.println("no key service (is io.mvpn.store running?)");
      return null;
    }
    run(keys, out, prompt -> session.readLine(prompt, '*'));
    return null;
  }

  void run(KeyService service, PrintStream out, Prompt prompt) {
    try {
      switch (action) {
        case "list" -> list(service, out);
        case "add" -> add(service, out, prompt);
        case "remove" -> remove(service, out);
        default -> out.println("mvpn:keys: no action '" + action + "'\n" + USAGE);
      }
    } catch (KeystoreException | IllegalArgumentException e) {
      out.println("mvpn:keys " + action + ": " + e.getMessage());
    } catch (IOException e) {
      out.println("mvpn:keys " + action + ": no key read: " + e.getMessage());
    }
  }

  static void list(KeyService service, PrintStream out) {
    ShellTable table = new ShellTable();
    table.column("Alias");
    table.column("Algorithm");
    table.column("Bits").alignRight();
    for (StoredKey key : service.list()) {
      table.addRow().addContent(key.alias(), key.algorithm(), key.bits());
    }
    table.print(out);
  }

  private void add(KeyService service, PrintStream out, Prompt prompt) throws IOException {
    if (alias == null || !takeTrailing() || (hex == null) == (random == null)) {
      out.println(USAGE);
      return;
    }
    if (hex == null) {
      printStored(service.generate(alias, random), out);
      return;
    }
    boolean inline = !hex.equals("-");
    String typed = inline ? hex : prompt.readHidden("key for " + alias + " (hex): ");
    if (typed == null || typed.isBlank()) {
      out.println("mvpn:keys add: no key typed, nothing stored");
      return;
    }
    typed = typed.trim();
    printStored(
        service.add(
            alias, HexFormat.of().parseHex(typed.startsWith("0x") ? typed.substring(2) : typed)),
        out);
    if (inline) {
      out.println(HISTORY_WARNING);
    }
  }

  private static void printStored(StoredKey stored, PrintStream out) {
    out.println(
        "stored "
            + stored.alias()
            + " ("
            + stored.bits()
            + " bits); cfg files name it keystore:"
            + stored.alias()
            + ", read when their function next activates");
  }

  private void remove(KeyService service, PrintStream out) {
    if (alias == null) {
      out.println(USAGE);
      return;
    }
    out.println(service.remove(alias) ? "removed " + alias : "no key " + alias);
  }

  /** Reads the options written after the alias; false when one is not understood. */
  private boolean takeTrailing() {
    List<String> rest = trailing == null ? List.of() : new ArrayList<>(trailing);
    for (int i = 0; i < rest.size(); i += 2) {
      if (i + 1 >= rest.size()) {
        if (rest.get(i).equals("--hex")) {
          hex = "-"; // --hex with no value: the key is asked for
          return true;
        }
        return false;
      }
      String value = rest.get(i + 1);
      switch (rest.get(i)) {
        case "--hex" -> hex = value;
        case "--random" -> random = Integer.valueOf(value);
        default -> {
          return false;
        }
      }
    }
    return true;
  }
}
