package io.keystream.palette;

import io.keystream.palette.api.V1Api;
import io.keystream.palette.model.V1ApiKey;
import io.keystream.palette.model.V1ApiKeyActiveState;
import io.keystream.palette.model.V1ApiKeyCreateResponse;
import io.keystream.palette.model.V1ApiKeyEntity;
import io.keystream.palette.model.V1ApiKeySpecEntity;
import io.keystream.palette.model.V1ApiKeySpecUpdate;
import io.keystream.palette.model.V1ApiKeyUpdate;
import io.keystream.palette.model.V1ApiKeys;
import io.keystream.palette.model.V1ObjectMeta;
import io.keystream.palette.model.V1UserInfo;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Drives every API-key operation with the Java client openapi-generator makes from Palette's spec
 * (okhttp-gson: its models refuse any member the spec does not name, and V1ObjectMeta sends
 * `labels: {}` by default). Prints one line per step; any exception fails the run (exit 1).
 * Arguments: base URL, a raw JWT of a plain user.
 */
public final class PaletteFlow {
  public static void main(String[] args) throws Exception {
    ApiClient asUser = new ApiClient().setBasePath(args[0]).addDefaultHeader("Authorization", args[1]);
    V1Api api = new V1Api(asUser);

    V1UserInfo info = api.v1UsersInfoGet();
    step("users/info", info.getUserUid() + "@" + info.getTenantUid());

    // As Palette's Go SDK does: the tenant uid from users/info as spec.userUid, meaning "the caller".
    V1ApiKeyEntity entity = new V1ApiKeyEntity()
        .metadata(new V1ObjectMeta().name("java-strict").annotations(Map.of("description", "okhttp-gson")))
        .spec(new V1ApiKeySpecEntity().expiry(OffsetDateTime.now(ZoneOffset.UTC).plusDays(30)).userUid(info.getTenantUid()));
    V1ApiKeyCreateResponse created = api.v1ApiKeysCreate(entity);
    String uid = created.getUid();
    step("create", uid);

    V1ApiKeys list = api.v1ApiKeysList();
    step("list", String.valueOf(list.getItems().size()));

    V1ApiKey key = api.v1ApiKeysUidGet(uid);
    step("get", key.getMetadata().getName() + " owner=" + key.getSpec().getUser().getUid() + " active=" + key.getStatus().getIsActive());

    api.v1ApiKeysUidUpdate(uid, new V1ApiKeyUpdate()
        .metadata(new V1ObjectMeta().name("java-renamed"))
        .spec(new V1ApiKeySpecUpdate().expiry(OffsetDateTime.now(ZoneOffset.UTC).plusDays(60))));
    step("update", api.v1ApiKeysUidGet(uid).getMetadata().getName());

    V1Api asKey = new V1Api(new ApiClient().setBasePath(args[0]).addDefaultHeader("ApiKey", created.getApiKey()));
    api.v1ApiKeysUidState(uid, new V1ApiKeyActiveState().isActive(false));
    step("revoke", "key answers " + statusOf(() -> asKey.v1ApiKeysUidGet(uid)));
    api.v1ApiKeysUidState(uid, new V1ApiKeyActiveState().isActive(true));
    step("reactivate", "key answers " + statusOf(() -> asKey.v1ApiKeysUidGet(uid)));
    api.v1ApiKeysUidActiveState(uid, new V1ApiKeyActiveState().isActive(false));
    step("patch", "active=" + api.v1ApiKeysUidGet(uid).getStatus().getIsActive());

    api.v1ApiKeysUidDelete(uid);
    step("delete", "get answers " + statusOf(() -> api.v1ApiKeysUidGet(uid)));
  }

  private interface Call {
    Object run() throws ApiException;
  }

  private static int statusOf(Call call) {
    try {
      call.run();
      return 200;
    } catch (ApiException e) {
      return e.getCode();
    }
  }

  private static void step(String name, String detail) {
    System.out.println(name + ": " + detail);
  }
}
