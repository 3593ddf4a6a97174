package io.mvpn.benchmarks.aodv;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A plain grouped bar chart written as PNG with Java2D, so a run leaves its own plots. */
final class BarChart {

  /** One group of bars: a label and one value per series. */
  record Group(String label, double[] values) {}

  private BarChart() {}

  static void write(Path file, String title, String unit, List<String> series, List<Group> groups)
      throws IOException {
    int width = Math.max(640, 200 + groups.size() * (series.size() * 60 + 40));
    int height = 420;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 20, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    double max = 0;
    for (Group gr : groups) {
      for (double v : gr.values()) {
        max = Math.max(max, v);
      }
    }
    max = max <= 0 ? 1 : max * 1.15;
    int left = 70;
    int top = 50;
    int bottom = height - 70;
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, top, left, bottom);
    g.drawLine(left, bottom, width - 20, bottom);
    for (int t = 0; t <= 4; t++) {
      int y = bottom - (bottom - top) * t / 4;
      g.setColor(new Color(220, 220, 220));
      g.drawLine(left + 1, y, width - 20, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format("%.0f", max * t / 4), 10, y + 4);
    }
    g.drawString(unit, 10, top - 8);
    Color[] palette = {new Color(70, 110, 180), new Color(220, 120, 50), new Color(90, 160, 90)};
    int x = left + 30;
    for (Group gr : groups) {
      for (int s = 0; s < series.size(); s++) {
        double v = gr.values()[s];
        int h = (int) Math.round((bottom - top) * v / max);
        g.setColor(palette[s % palette.length]);
        g.fillRect(x + s * 60, bottom - h, 50, h);
        g.setColor(Color.BLACK);
        g.drawString(String.format(v >= 100 ? "%.0f" : "%.1f", v), x + s * 60 + 4, bottom - h - 4);
      }
      g.drawString(gr.label(), x, bottom + 18);
      x += series.size() * 60 + 40;
    }
    for (int s = 0; s < series.size(); s++) {
      g.setColor(palette[s % palette.length]);
      g.fillRect(left + s * 260, height - 30, 14, 14);
      g.setColor(Color.BLACK);
      g.drawString(series.get(s), left + s * 260 + 20, height - 19);
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }
}
