package io.mvpn.rest;

import java.util.Set;

/**
 * Who sent a request, once authenticated: the user name and the roles the realm gave it. Reading
 * takes {@value #VIEWER} or {@value #ADMIN}; changing anything takes {@value #ADMIN}.
 */
public record Caller(String user, Set<String> roles) {

  public static final String VIEWER = "viewer";
  public static final String ADMIN = "admin";

  public Caller {
    roles = Set.copyOf(roles);
  }

  public boolean mayRead() {
    return roles.contains(VIEWER) || roles.contains(ADMIN);
  }

  public boolean mayWrite() {
    return roles.contains(ADMIN);
  }
}
