package io.mvpn.net;

import io.mvpn.packet.icmp.IcmpMessage;

/** Told of each ICMP echo reply for one identifier (a ping in progress). */
@FunctionalInterface
public interface EchoListener {

  void reply(Vrf vrf, IcmpMessage reply);
}
