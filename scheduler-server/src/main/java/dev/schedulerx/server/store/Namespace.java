package dev.schedulerx.server.store;

import java.util.Objects;

/** A namespace: groups of one namespace are listed together. {@code uid} is what workers and clients send. */
public record Namespace(String uid, String name, String description, String source) {
  public Namespace {
    Texts.requireLength("uid", Objects.requireNonNull(uid, "uid"), 1, 128);
    name = Texts.requireLength("name", Texts.orEmpty(name).isEmpty() ? uid : name, 1, 255);
    description = Texts.requireLength("description", Texts.orEmpty(description), 0, 1000);
    source = Texts.requireLength("source", Texts.orEmpty(source), 0, 64);
  }
}
