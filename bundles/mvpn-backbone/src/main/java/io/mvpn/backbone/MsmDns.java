package io.mvpn.backbone;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.dns.WorkgroupDns;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Objects;
import java.util.Optional;

/**
 * The mobile service manager's DNS address on the backbone (seed 002 c20-c21): UDP 53 on the MSM's
 * address, answered by the {@link WorkgroupDns} service as the member the NAPT has behind the
 * query's public port. A query that did not come through the NAPT, or arrives while either service
 * is away, gets nothing and is counted.
 *
 * <p>Runs on the backbone VRF's scheduler; not thread-safe.
 */
public final class MsmDns {

  private final Ipv4Address address;
  private final NaptGateway napt;
  private final Registration port53;
  private WorkgroupDns dns;
  private long answered;
  private long unanswered;

  public MsmDns(Vrf backbone, Ipv4Address address, NaptGateway napt) {
    this.address = Objects.requireNonNull(address, "address");
    this.napt = Objects.requireNonNull(napt, "napt");
    backbone.addLocalAddress(address);
    this.port53 = backbone.bindUdp(53, (v, in, d) -> answer(v, d));
  }

  public void use(WorkgroupDns service) {
    dns = Objects.requireNonNull(service, "service");
  }

  /** The DNS is gone (if it is the one in use): queries go unanswered until the next. */
  public void release(WorkgroupDns service) {
    if (dns == service) {
      dns = null;
    }
  }

  public boolean serving() {
    return dns != null;
  }

  public long answered() {
    return answered;
  }

  /** Queries dropped: no DNS service, not from the NAPT, nobody behind the port, or bad input. */
  public long unanswered() {
    return unanswered;
  }

  public void close() {
    port53.close();
  }

  /** c21: the asker is the member behind the query's NAPT port; anyone else gets nothing. */
  private void answer(Vrf v, UdpDatagram d) {
    WorkgroupDns zone = dns;
    Ipv4Address source = Ipv4Address.of(d.ip().source());
    Optional<NaptInside> inside =
        source.equals(napt.publicAddress())
            ? napt.insideOf(IpProtocol.UDP, d.sourcePort())
            : Optional.empty();
    byte[] reply =
        zone == null || inside.isEmpty()
            ? null
            : zone.answer(
                ByteBufUtil.getBytes(d.payload()),
                new MemberId(inside.get().tenant(), inside.get().address()),
                WorkgroupDns.Transport.UDP);
    if (reply == null) {
      unanswered++;
      return;
    }
    answered++;
    ByteBuf out = Unpooled.wrappedBuffer(reply);
    v.sendUdp(address, source, 53, d.sourcePort(), out);
    out.release();
  }
}
