package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import java.util.List;

/** Serves the requests of one application that are addressed to this node. */
@FunctionalInterface
public interface RequestHandler {

  /** The answer's Result-Code and AVPs; the node adds Session-Id, Origin-Host and -Realm. */
  record Answer(int resultCode, List<Avp> avps) {}

  /** Runs on the node's scheduler; a typed error becomes an error answer with Failed-AVP. */
  Answer handle(DiameterMessage request) throws MalformedDiameterException;
}
