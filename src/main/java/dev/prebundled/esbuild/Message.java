package dev.prebundled.esbuild;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An error or warning from esbuild (or from one of our plugins), with its location and notes.
 * {@link #toString()} renders it the way esbuild prints it on one line: {@code file:line:col:
 * text}.
 */
public record Message(String id, String pluginName, String text, MessageLocation location, List<Note> notes) {

  /** A note attached to a message, for example where a conflicting declaration is. */
  public record Note(String text, MessageLocation location) {}

  public Message {
    notes = List.copyOf(notes);
  }

  public static Message of(String pluginName, String text) {
    return new Message("", pluginName, text, null, List.of());
  }

  public Optional<MessageLocation> where() {
    return Optional.ofNullable(location);
  }

  static List<Message> listFromWire(Object value) {
    List<Message> messages = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map) messages.add(fromWire(map));
      }
    }
    return List.copyOf(messages);
  }

  static Message fromWire(Map<?, ?> map) {
    List<Note> notes = new ArrayList<>();
    if (map.get("notes") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> note) {
          notes.add(new Note(Wire.string(note, "text"), MessageLocation.fromWire(note.get("location"))));
        }
      }
    }
    return new Message(
        Wire.string(map, "id"),
        Wire.string(map, "pluginName"),
        Wire.string(map, "text"),
        MessageLocation.fromWire(map.get("location")),
        notes);
  }

  /** esbuild type-asserts every key of a message it receives, so all of them are sent. */
  Map<String, Object> toWire() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", id);
    map.put("pluginName", pluginName);
    map.put("text", text);
    map.put("location", location == null ? null : location.toWire());
    List<Object> wireNotes = new ArrayList<>();
    for (Note note : notes) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("text", note.text());
      n.put("location", note.location() == null ? null : note.location().toWire());
      wireNotes.add(n);
    }
    map.put("notes", wireNotes);
    map.put("detail", -1);
    return map;
  }

  static List<Object> listToWire(List<Message> messages) {
    return messages.stream().map(m -> (Object) m.toWire()).toList();
  }

  @Override
  public String toString() {
    String prefix = location == null ? "" : location + ": ";
    String plugin = pluginName == null || pluginName.isEmpty() ? "" : "[plugin " + pluginName + "] ";
    return prefix + plugin + text;
  }
}
