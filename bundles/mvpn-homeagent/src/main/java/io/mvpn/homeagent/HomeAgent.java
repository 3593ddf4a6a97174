package io.mvpn.homeagent;

import io.mvpn.net.dispatch.TunnelEndpoint;

/** A running virtual home agent, as a service: one per tenant. */
public interface HomeAgent extends TunnelEndpoint {

  HomeAgentConfig config();

  RegistrationStats stats();
}
