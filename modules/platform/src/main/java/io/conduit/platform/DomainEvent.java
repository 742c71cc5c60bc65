package io.conduit.platform;

/** A fact another module reacts to; implementations are records in the publishing module's root. */
public interface DomainEvent {}
