package io.mvpn.rest;

import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

/**
 * A JAAS realm "karaf" without Karaf: a login module over a fixed table, giving the principals
 * Karaf's properties login module gives (a user principal and one role principal per role).
 */
final class TestRealm {

  /** user = password,role,role... as etc/users.properties writes them (groups expanded). */
  static final Map<String, String> USERS =
      Map.of(
          "mvpn", "mvpn,admin,viewer",
          "monitor", "monitor,viewer",
          "nobody", "nobody");

  private TestRealm() {}

  static Configuration configuration() {
    return new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        if (!name.equals("karaf")) {
          return null;
        }
        return new AppConfigurationEntry[] {
          new AppConfigurationEntry(
              TableLoginModule.class.getName(),
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
              Map.of())
        };
      }
    };
  }

  /** Karaf's realm name, the test's configuration. */
  static Authenticator authenticator() {
    return new JaasAuthenticator("karaf", configuration());
  }

  /** Logs a user of {@link #USERS} in. */
  public static final class TableLoginModule implements LoginModule {
    private Subject subject;
    private CallbackHandler handler;
    private String user;
    private String[] entry;

    @Override
    public void initialize(
        Subject subject,
        CallbackHandler handler,
        Map<String, ?> sharedState,
        Map<String, ?> options) {
      this.subject = subject;
      this.handler = handler;
    }

    @Override
    public boolean login() throws LoginException {
      NameCallback name = new NameCallback("user");
      PasswordCallback password = new PasswordCallback("password", false);
      try {
        handler.handle(new Callback[] {name, password});
      } catch (Exception e) {
        throw new LoginException(e.toString());
      }
      user = name.getName();
      String row = USERS.get(user);
      if (row == null) {
        throw new FailedLoginException("no user " + user);
      }
      entry = row.split(",");
      if (!entry[0].equals(new String(password.getPassword()))) {
        throw new FailedLoginException("wrong password for " + user);
      }
      return true;
    }

    @Override
    public boolean commit() {
      subject.getPrincipals().add(new UserPrincipal(user));
      for (int i = 1; i < entry.length; i++) {
        subject.getPrincipals().add(new RolePrincipal(entry[i]));
      }
      return true;
    }

    @Override
    public boolean abort() {
      return true;
    }

    @Override
    public boolean logout() {
      subject.getPrincipals().clear();
      return true;
    }
  }
}
