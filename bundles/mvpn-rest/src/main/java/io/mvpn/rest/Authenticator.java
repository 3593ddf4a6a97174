package io.mvpn.rest;

import java.util.Optional;

/** Checks a user name and password: the caller with its roles, or empty if they do not match. */
@FunctionalInterface
public interface Authenticator {

  Optional<Caller> authenticate(String user, char[] password);
}
