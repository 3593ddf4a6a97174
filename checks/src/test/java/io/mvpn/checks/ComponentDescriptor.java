package io.mvpn.checks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The services one Declarative Services component offers and references, from its descriptor. */
final class ComponentDescriptor {

  private ComponentDescriptor() {}

  /**
   * Adds the interfaces the descriptor provides to {@code offers}, those it references to {@code
   * uses}.
   */
  static void read(JarFile jar, String path, Set<String> offers, Set<String> uses)
      throws IOException {
    ZipEntry entry = jar.getEntry(path);
    if (entry == null) {
      throw new IOException(jar.getName() + " names " + path + " but does not hold it");
    }
    try (InputStream in = jar.getInputStream(entry)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(in);
      collect(doc.getElementsByTagName("provide"), offers);
      collect(doc.getElementsByTagName("reference"), uses);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException(path + " in " + jar.getName() + ": " + e.getMessage(), e);
    }
  }

  private static void collect(NodeList elements, Set<String> into) {
    for (int i = 0; i < elements.getLength(); i++) {
      into.add(((Element) elements.item(i)).getAttribute("interface"));
    }
  }
}
