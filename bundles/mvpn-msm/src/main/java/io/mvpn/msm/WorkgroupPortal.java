package io.mvpn.msm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.CallerVerifier;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.Workgroup;
import io.mvpn.api.workgroup.WorkgroupEvent;
import io.mvpn.api.workgroup.WorkgroupService;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workgroup portal's API (seed 002 c5, c13), independent of the HTTP server that carries it:
 *
 * <pre>
 * GET    /api/v1/workgroups                       the caller's workgroups
 * GET    /api/v1/workgroups/{name}/members        the others: FQDN, private and gateway address
 * POST   /api/v1/workgroups/{name}/members        sign on: {"tenant": .., "privateAddress": ..}
 * DELETE /api/v1/workgroups/{name}/members/me     sign off
 * GET    /api/v1/changes?since={version}          membership changes the caller may see
 * </pre>
 *
 * Every call carries {@code Authorization: Bearer <token>}; the token names one member. A request
 * is checked completely (credentials, syntax, names, policy) before anything changes. Thread-safe.
 */
public final class WorkgroupPortal {

  /** What the HTTP layer sends back: a status and a JSON body. */
  public record Response(int status, String json) {}

  /** One membership change, numbered so that clients can ask for what they missed. */
  record Change(long version, WorkgroupEvent.Type type, String workgroup, MemberId member) {}

  /** How many changes are kept; a client further behind must fetch the lists again (410). */
  public static final int CHANGE_LOG = 1024;

  private static final String PREFIX = "/api/v1/";

  private final WorkgroupService directory;
  private final Map<String, MemberId> credentials = new ConcurrentHashMap<>(); // SHA-256 hex
  private final Map<String, Set<MvpnId>> admittedTenants;
  private final ObjectMapper json = new ObjectMapper();
  private volatile CallerVerifier verifier = CallerVerifier.ANYONE;
  private final ArrayDeque<Change> changes = new ArrayDeque<>();
  private long version;
  private final io.mvpn.api.workgroup.WorkgroupListener listener = this::record;

  /**
   * @param admittedTenants per workgroup, the tenants whose members may sign on (the extranet the
   *     operator sold); a workgroup not listed admits no one through the portal
   */
  public WorkgroupPortal(WorkgroupService directory, Map<String, Set<MvpnId>> admittedTenants) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.admittedTenants = Map.copyOf(admittedTenants);
    directory.addListener(listener);
  }

  /** Stops following the directory. */
  public void close() {
    directory.removeListener(listener);
  }

  /** Gives a member a bearer token. Only its hash is kept. */
  public void addCredential(String token, MemberId member) {
    if (token == null || token.length() < 16) {
      throw new IllegalArgumentException("a token needs at least 16 characters");
    }
    credentials.put(hash(token), member);
  }

  /** As {@link #addCredential}, from the token's SHA-256 in hex (what a setup file holds). */
  public void addCredentialHash(String sha256Hex, MemberId member) {
    String hex = sha256Hex.trim().toLowerCase(java.util.Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a token hash is 64 hex digits of SHA-256");
    }
    credentials.put(hex, member);
  }

  public synchronized long version() {
    return version;
  }

  private synchronized void record(WorkgroupEvent e) {
    if (e.workgroup() == null && e.type() == WorkgroupEvent.Type.MEMBER_UPDATED) {
      return; // directory entries are not news for the lists until they join
    }
    changes.addLast(new Change(++version, e.type(), e.workgroup(), e.member()));
    if (changes.size() > CHANGE_LOG) {
      changes.removeFirst();
    }
  }

  // ---- dispatch -------------------------------------------------------------------------------

  /** Who may act over which connection; {@link CallerVerifier#ANYONE} unless set. */
  public void setCallerVerifier(CallerVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  public Response handle(String method, String uri, String authorization, byte[] body) {
    return handle(method, uri, authorization, body, null);
  }

  /**
   * A request from {@code remote} (null: unknown). The token's member must be one the caller
   * verifier lets act from there, else 403 {@code not-you}.
   */
  public Response handle(
      String method, String uri, String authorization, byte[] body, InetSocketAddress remote) {
    Optional<MemberId> caller = authenticate(authorization);
    if (caller.isEmpty()) {
      return error(401, "unauthenticated", "a valid Authorization: Bearer token is required");
    }
    if (remote != null && !verifier.mayAct(caller.get(), remote)) {
      return error(403, "not-you", "the token names another member than the one connecting");
    }
    String path = uri;
    String query = "";
    int q = uri.indexOf('?');
    if (q >= 0) {
      path = uri.substring(0, q);
      query = uri.substring(q + 1);
    }
    if (!path.startsWith(PREFIX)) {
      return error(404, "not-found", "no such resource: " + path);
    }
    String[] parts = path.substring(PREFIX.length()).split("/", -1);
    MemberId me = caller.get();
    if (parts.length == 1 && parts[0].equals("workgroups") && method.equals("GET")) {
      return ownWorkgroups(me);
    }
    if (parts.length == 1 && parts[0].equals("changes") && method.equals("GET")) {
      return changesSince(me, query);
    }
    if (parts.length == 3 && parts[0].equals("workgroups") && parts[2].equals("members")) {
      if (method.equals("GET")) {
        return members(me, parts[1]);
      }
      if (method.equals("POST")) {
        return signOn(me, parts[1], body);
      }
    }
    if (parts.length == 4
        && parts[0].equals("workgroups")
        && parts[2].equals("members")
        && parts[3].equals("me")
        && method.equals("DELETE")) {
      return signOff(me, parts[1]);
    }
    return error(405, "method-not-allowed", method + " " + path + " is not part of the API");
  }

  // ---- resources ------------------------------------------------------------------------------

  private Response ownWorkgroups(MemberId me) {
    ArrayNode list = json.createArrayNode();
    directory.workgroupsOf(me).stream().sorted().forEach(list::add);
    ObjectNode out = json.createObjectNode();
    out.set("workgroups", list);
    out.put("version", version());
    return ok(200, out);
  }

  private Response members(MemberId me, String name) {
    Optional<Workgroup> wg = directory.workgroup(name);
    if (wg.isEmpty()) {
      return error(404, "unknown-workgroup", "no workgroup " + name);
    }
    if (!wg.get().members().contains(me)) {
      return error(403, "not-a-member", "sign on to " + name + " first");
    }
    return ok(200, membershipList(wg.get(), me));
  }

  private Response signOn(MemberId me, String name, byte[] body) {
    JsonNode request;
    try {
      request = json.readTree(body == null ? new byte[0] : body);
    } catch (java.io.IOException e) {
      return error(400, "bad-json", "the body is not JSON");
    }
    if (request == null || !request.isObject()) {
      return error(400, "bad-json", "expected {\"tenant\": .., \"privateAddress\": ..}");
    }
    JsonNode tenant = request.get("tenant");
    JsonNode address = request.get("privateAddress");
    if (tenant == null || !tenant.isTextual() || address == null || !address.isTextual()) {
      return error(400, "bad-request", "tenant and privateAddress are required strings");
    }
    MemberId claimed;
    try {
      claimed = new MemberId(MvpnId.of(tenant.asText()), Ipv4Address.parse(address.asText()));
    } catch (IllegalArgumentException e) {
      return error(400, "bad-request", e.getMessage());
    }
    if (!claimed.equals(me)) {
      return error(403, "not-you", "a member signs on for itself only");
    }
    Optional<Workgroup> wg = directory.workgroup(name);
    if (wg.isEmpty()) {
      return error(404, "unknown-workgroup", "no workgroup " + name);
    }
    if (directory.member(me).isEmpty()) {
      return error(404, "unknown-member", me + " is not in the directory");
    }
    if (!admittedTenants.getOrDefault(name, Set.of()).contains(me.tenant())) {
      return error(403, "not-admitted", "tenant " + me.tenant() + " may not join " + name);
    }
    boolean already = wg.get().members().contains(me);
    directory.join(name, me);
    return ok(already ? 200 : 201, membershipList(directory.workgroup(name).orElseThrow(), me));
  }

  private Response signOff(MemberId me, String name) {
    if (directory.workgroup(name).isEmpty()) {
      return error(404, "unknown-workgroup", "no workgroup " + name);
    }
    if (!directory.leave(name, me)) {
      return error(404, "not-a-member", me + " is not in " + name);
    }
    return new Response(204, "");
  }

  private Response changesSince(MemberId me, String query) {
    long since;
    try {
      since = query.startsWith("since=") ? Long.parseLong(query.substring(6)) : 0;
    } catch (NumberFormatException e) {
      return error(400, "bad-request", "since must be a number");
    }
    Set<String> mine = directory.workgroupsOf(me);
    ArrayNode list = json.createArrayNode();
    long now;
    synchronized (this) {
      now = version;
      Change oldest = changes.peekFirst();
      if (oldest != null && since < oldest.version() - 1) {
        return error(
            410,
            "too-old",
            "fetch the membership lists again; changes start at " + oldest.version());
      }
      for (Change c : changes) {
        boolean visible =
            c.version() > since && (mine.contains(c.workgroup()) || me.equals(c.member()));
        if (visible) {
          ObjectNode n = list.addObject();
          n.put("version", c.version());
          n.put("type", c.type().name().toLowerCase(java.util.Locale.ROOT));
          n.put("workgroup", c.workgroup());
          directory.member(c.member()).ifPresent(m -> n.put("fqdn", m.fqdn()));
        }
      }
    }
    ObjectNode out = json.createObjectNode();
    out.put("version", now);
    out.set("changes", list);
    return ok(200, out);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** c5, c13: for each other member, its FQDN, private address and gateway's public address. */
  private ObjectNode membershipList(Workgroup wg, MemberId me) {
    ObjectNode out = json.createObjectNode();
    out.put("workgroup", wg.name());
    out.put("version", version());
    ArrayNode list = out.putArray("members");
    wg.members().stream()
        .filter(id -> !id.equals(me))
        .map(directory::member)
        .flatMap(Optional::stream)
        .sorted(java.util.Comparator.comparing(Member::fqdn))
        .forEach(
            m -> {
              ObjectNode n = list.addObject();
              n.put("fqdn", m.fqdn());
              n.put("privateAddress", m.id().privateAddress().toString());
              n.put("gatewayAddress", m.gatewayAddress().toString());
            });
    return out;
  }

  private Optional<MemberId> authenticate(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return Optional.empty();
    }
    return Optional.ofNullable(credentials.get(hash(authorization.substring(7).trim())));
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private Response ok(int status, ObjectNode body) {
    try {
      return new Response(status, json.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Response error(int status, String code, String message) {
    ObjectNode n = json.createObjectNode();
    n.put("error", code);
    n.put("message", message);
    return ok(status, n);
  }
}
