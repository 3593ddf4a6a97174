package io.mvpn.diameter.message;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Command Code Format of the base protocol's own commands (RFC 6733 §5.3-§5.5): which AVPs must
 * appear ({@code {AVP}}, else 5005 MISSING_AVP), which at most once (else 5009
 * AVP_OCCURS_TOO_MANY_TIMES) and which never in a request (Result-Code: 5008 AVP_NOT_ALLOWED).
 */
public final class CommandGrammar {

  private record Rule(List<Integer> required, List<Integer> once) {}

  private static final List<Integer> IDENTITY = List.of(AvpCode.ORIGIN_HOST, AvpCode.ORIGIN_REALM);
  private static final List<Integer> CAPABILITIES =
      List.of(
          AvpCode.ORIGIN_HOST,
          AvpCode.ORIGIN_REALM,
          AvpCode.HOST_IP_ADDRESS,
          AvpCode.VENDOR_ID,
          AvpCode.PRODUCT_NAME);
  private static final List<Integer> CAPABILITIES_ONCE =
      List.of(
          AvpCode.ORIGIN_HOST,
          AvpCode.ORIGIN_REALM,
          AvpCode.VENDOR_ID,
          AvpCode.PRODUCT_NAME,
          AvpCode.ORIGIN_STATE_ID,
          AvpCode.FIRMWARE_REVISION,
          AvpCode.RESULT_CODE);
  private static final List<Integer> IDENTITY_ONCE =
      List.of(
          AvpCode.ORIGIN_HOST,
          AvpCode.ORIGIN_REALM,
          AvpCode.ORIGIN_STATE_ID,
          AvpCode.RESULT_CODE,
          AvpCode.DISCONNECT_CAUSE);

  private static final Map<Integer, Rule> REQUESTS = new HashMap<>();
  private static final Map<Integer, Rule> ANSWERS = new HashMap<>();

  static {
    REQUESTS.put(CommandCode.CAPABILITIES_EXCHANGE, new Rule(CAPABILITIES, CAPABILITIES_ONCE));
    ANSWERS.put(
        CommandCode.CAPABILITIES_EXCHANGE, new Rule(plusResult(CAPABILITIES), CAPABILITIES_ONCE));
    REQUESTS.put(CommandCode.DEVICE_WATCHDOG, new Rule(IDENTITY, IDENTITY_ONCE));
    ANSWERS.put(CommandCode.DEVICE_WATCHDOG, new Rule(plusResult(IDENTITY), IDENTITY_ONCE));
    REQUESTS.put(
        CommandCode.DISCONNECT_PEER,
        new Rule(
            List.of(AvpCode.ORIGIN_HOST, AvpCode.ORIGIN_REALM, AvpCode.DISCONNECT_CAUSE),
            IDENTITY_ONCE));
    ANSWERS.put(CommandCode.DISCONNECT_PEER, new Rule(plusResult(IDENTITY), IDENTITY_ONCE));
  }

  private CommandGrammar() {}

  private static List<Integer> plusResult(List<Integer> codes) {
    List<Integer> all = new java.util.ArrayList<>(codes);
    all.add(AvpCode.RESULT_CODE);
    return List.copyOf(all);
  }

  /**
   * Checks a base-protocol message against its command's format; other commands pass. Answers with
   * E set carry only what an error answer needs (§7.2), so only their identity is required.
   */
  public static void check(DiameterMessage m) throws MalformedDiameterException {
    Rule rule = (m.isRequest() ? REQUESTS : ANSWERS).get(m.commandCode());
    if (rule == null) {
      return;
    }
    if (m.isRequest()) {
      var result = m.find(AvpCode.RESULT_CODE);
      if (result.isPresent()) {
        throw new MalformedDiameterException(
            ResultCode.AVP_NOT_ALLOWED, "Result-Code in a request", result.get());
      }
    }
    List<Integer> required = m.isError() ? plusResult(IDENTITY) : rule.required();
    for (int code : required) {
      if (m.find(code).isEmpty()) {
        throw new MalformedDiameterException(
            ResultCode.MISSING_AVP,
            Dictionary.name(0, code) + " missing",
            Avp.mandatory(code, new byte[0]));
      }
    }
    for (int code : rule.once()) {
      List<Avp> all = m.findAll(code);
      if (all.size() > 1) {
        throw new MalformedDiameterException(
            ResultCode.AVP_OCCURS_TOO_MANY_TIMES,
            Dictionary.name(0, code) + " appears " + all.size() + " times",
            all.get(1));
      }
    }
  }
}
