package io.mvpn.rest;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;

/**
 * Logs a user in to a JAAS realm (Karaf's {@code karaf}, users in {@code etc/users.properties}) and
 * takes its roles from the subject's {@link RolePrincipal}s, group roles included.
 *
 * <p>{@link LoginContext} loads the realm's login modules through the thread's context class
 * loader. On a thread of our own HTTP server that loader is whatever started the bundle, which may
 * not see Karaf's proxy login module; the loader of Karaf's principal classes (the launcher's,
 * which holds the JAAS boot jar) always does, so it is set for the length of the login.
 */
public final class JaasAuthenticator implements Authenticator {

  private final String realm;
  private final Configuration configuration;

  /** The realm as the JVM's JAAS configuration defines it (Karaf installs its own). */
  public JaasAuthenticator(String realm) {
    this(realm, null);
  }

  /**
   * @param configuration where the realm is defined; null for the JVM's current one
   */
  public JaasAuthenticator(String realm, Configuration configuration) {
    this.realm = realm;
    this.configuration = configuration;
  }

  @Override
  public Optional<Caller> authenticate(String user, char[] password) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(RolePrincipal.class.getClassLoader());
    try {
      Subject subject = new Subject();
      LoginContext login =
          configuration == null
              ? new LoginContext(realm, subject, callbacks -> answer(callbacks, user, password))
              : new LoginContext(
                  realm, subject, callbacks -> answer(callbacks, user, password), configuration);
      login.login();
      Set<String> roles =
          subject.getPrincipals(RolePrincipal.class).stream()
              .map(Principal::getName)
              .collect(Collectors.toSet());
      login.logout();
      return Optional.of(new Caller(user, roles));
    } catch (LoginException refused) {
      return Optional.empty();
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  private static void answer(Callback[] callbacks, String user, char[] password)
      throws UnsupportedCallbackException {
    for (Callback c : callbacks) {
      if (c instanceof NameCallback name) {
        name.setName(user);
      } else if (c instanceof PasswordCallback pass) {
        pass.setPassword(password);
      } else {
        throw new UnsupportedCallbackException(c);
      }
    }
  }
}
