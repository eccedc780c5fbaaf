// Call every method of npm postmark's ServerClient and AccountClient once against a
// Postmark-compatible server.
//
// Run by tests/third_party with NODE_PATH pointing at the node_modules that
// scripts/third-party-clients.sh installs (.third-party/node/node_modules):
//
//   node postmark_node_driver.js '{"url": ..., "server_token": ..., "account_token": ...,
//       "blocked_inbound": ..., "failed_inbound": ...}'
//
// Prints one JSON line per call: {"call", "result": "ok" | "error", "request": "METHOD /path"
// of its last HTTP request, "status", "error"}, then a last line {"surface": [...]}: every
// method the two client classes define (not BaseClient's plumbing), prefixed "server." or
// "account.", so the test sees any that was not called.
"use strict";
const postmark = require("postmark");

const config = JSON.parse(process.argv[2]);
const url = new URL(config.url);
let last = {};
const options = {
  useHttps: url.protocol === "https:",
  requestHost: url.host,
  timeout: 10,
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    last = { request: `${init.method} ${new URL(input).pathname}`, status: response.status };
    return response;
  },
};
const server = new postmark.ServerClient(config.server_token, options);
const account = new postmark.AccountClient(config.account_token, options);

const emit = (line) => console.log(JSON.stringify(line));

async function call(name, fn) {
  last = {};
  try {
    const result = await fn();
    emit({ call: name, result: "ok", ...last });
    return result;
  } catch (error) {
    emit({ call: name, result: "error", error: String(error.message || error).slice(0, 300), ...last });
    return null;
  }
}

function surface() {
  const names = [];
  for (const [cls, prefix] of [[postmark.ServerClient, "server."], [postmark.AccountClient, "account."]]) {
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (name !== "constructor") names.push(prefix + name);
    }
  }
  return names.sort();
}

const SENDER = "sender@example.com";
const TO = "receiver@example.com";
const mail = { From: SENDER, To: TO, Subject: "Hello", TextBody: "Hi", HtmlBody: "<p>Hi</p>" };
const templated = { From: SENDER, To: TO, TemplateAlias: "welcome", TemplateModel: { name: "Ann" } };
const idOf = (result, key = "ID", missing = 0) => (result && result[key]) || missing;

async function main() {
  const s = (name, fn) => call(`server.${name}`, () => fn(server));
  const a = (name, fn) => call(`account.${name}`, () => fn(account));

  // --- templates (first: the template sends need one) ---
  const template = await s("createTemplate", (c) => c.createTemplate({
    Name: "Welcome", Alias: "welcome", Subject: "Hi {{name}}",
    HtmlBody: "<p>Hi {{name}}</p>", TextBody: "Hi {{name}}",
  }));
  const templateId = idOf(template, "TemplateId");
  await s("getTemplate", (c) => c.getTemplate(templateId));
  await s("editTemplate", (c) => c.editTemplate(templateId, { Subject: "Hello {{name}}" }));
  await s("getTemplates", (c) => c.getTemplates({ count: 10 }));
  await s("validateTemplate", (c) => c.validateTemplate({
    Subject: "Hi {{name}}", TextBody: "x", TestRenderModel: { name: "Ann" },
  }));

  // --- sending ---
  const sent = await s("sendEmail", (c) => c.sendEmail(mail));
  const messageId = idOf(sent, "MessageID", "missing");
  await s("sendEmailBatch", (c) => c.sendEmailBatch([mail, { ...mail, To: "second@example.com" }]));
  await s("sendEmailWithTemplate", (c) => c.sendEmailWithTemplate(templated));
  await s("sendEmailBatchWithTemplates", (c) => c.sendEmailBatchWithTemplates([templated]));
  const bulk = await s("sendBulkEmail", (c) => c.sendBulkEmail({
    From: SENDER, Subject: "News", TextBody: "Hi", MessageStream: "broadcast",
    Messages: [{ To: TO }, { To: "second@example.com" }],
  }));
  await s("getBulkEmailStatus", (c) => c.getBulkEmailStatus(idOf(bulk, "ID", "missing")));
  // the bounce that the bounce calls below read: Postmark's black-hole address
  await s("sendEmail", (c) => c.sendEmail({ ...mail, To: "hardbounce@bounce-testing.postmarkapp.com" }));

  // --- bounces ---
  await s("getDeliveryStatistics", (c) => c.getDeliveryStatistics());
  const bounces = await s("getBounces", (c) => c.getBounces({ count: 10 }));
  const bounceId = bounces && bounces.Bounces.length ? bounces.Bounces[0].ID : 0;
  await s("getBounce", (c) => c.getBounce(bounceId));
  await s("getBounceDump", (c) => c.getBounceDump(bounceId));
  await s("activateBounce", (c) => c.activateBounce(bounceId));

  // --- outbound and inbound messages ---
  await s("getOutboundMessages", (c) => c.getOutboundMessages({ count: 10 }));
  await s("getOutboundMessageDetails", (c) => c.getOutboundMessageDetails(messageId));
  await s("getOutboundMessageDump", (c) => c.getOutboundMessageDump(messageId));
  await s("getMessageOpens", (c) => c.getMessageOpens({ count: 10 }));
  await s("getMessageOpensForSingleMessage", (c) => c.getMessageOpensForSingleMessage(messageId, { count: 10 }));
  await s("getMessageClicks", (c) => c.getMessageClicks({ count: 10 }));
  await s("getMessageClicksForSingleMessage", (c) => c.getMessageClicksForSingleMessage(messageId, { count: 10 }));
  await s("getInboundMessages", (c) => c.getInboundMessages({ count: 10 }));
  await s("getInboundMessageDetails", (c) => c.getInboundMessageDetails(config.blocked_inbound));
  await s("bypassBlockedInboundMessage", (c) => c.bypassBlockedInboundMessage(config.blocked_inbound));
  await s("retryInboundHookForMessage", (c) => c.retryInboundHookForMessage(config.failed_inbound));

  // --- server, message streams, suppressions, webhooks, inbound rules, statistics ---
  const serverId = idOf(await s("getServer", (c) => c.getServer()));
  await s("editServer", (c) => c.editServer({ Name: "Renamed by postmark.js" }));
  await s("getMessageStreams", (c) => c.getMessageStreams());
  await s("getMessageStream", (c) => c.getMessageStream("outbound"));
  await s("createMessageStream", (c) => c.createMessageStream({
    ID: "news", Name: "News", MessageStreamType: "Broadcasts",
  }));
  await s("editMessageStream", (c) => c.editMessageStream("news", { Name: "Newsletter" }));
  await s("archiveMessageStream", (c) => c.archiveMessageStream("news"));
  await s("unarchiveMessageStream", (c) => c.unarchiveMessageStream("news"));
  const gone = { Suppressions: [{ EmailAddress: "gone@example.com" }] };
  await s("createSuppressions", (c) => c.createSuppressions("outbound", gone));
  await s("getSuppressions", (c) => c.getSuppressions("outbound"));
  await s("deleteSuppressions", (c) => c.deleteSuppressions("outbound", gone));
  const hookUrl = "https://hooks.example.com/postmark";
  const webhookId = idOf(await s("createWebhook", (c) => c.createWebhook({ Url: hookUrl })));
  await s("getWebhooks", (c) => c.getWebhooks());
  await s("getWebhook", (c) => c.getWebhook(webhookId));
  await s("editWebhook", (c) => c.editWebhook(webhookId, { Url: `${hookUrl}/v2` }));
  await s("deleteWebhook", (c) => c.deleteWebhook(webhookId));
  const ruleId = idOf(await s("createInboundRuleTrigger", (c) => c.createInboundRuleTrigger({ Rule: "spam@example.com" })));
  await s("getInboundRuleTriggers", (c) => c.getInboundRuleTriggers());
  await s("deleteInboundRuleTrigger", (c) => c.deleteInboundRuleTrigger(ruleId));
  for (const method of [
    "getOutboundOverview", "getSentCounts", "getBounceCounts", "getSpamComplaintsCounts",
    "getTrackedEmailCounts", "getEmailOpenCounts", "getEmailOpenPlatformUsage",
    "getEmailOpenClientUsage", "getEmailOpenReadTimes", "getClickCounts",
    "getClickBrowserUsage", "getClickPlatformUsage", "getClickLocation",
  ]) {
    await s(method, (c) => c[method]({ tag: "welcome" }));
  }

  // --- account API ---
  const secondId = idOf(await a("createServer", (c) => c.createServer({ Name: "Second" })));
  await a("getServer", (c) => c.getServer(secondId));
  await a("editServer", (c) => c.editServer(secondId, { Name: "Second, renamed" }));
  await a("getServers", (c) => c.getServers({ count: 10 }));
  await a("pushTemplates", (c) => c.pushTemplates({
    SourceServerID: serverId, DestinationServerID: secondId, PerformChanges: true,
  }));
  await a("deleteServer", (c) => c.deleteServer(secondId));
  const domainId = idOf(await a("createDomain", (c) => c.createDomain({ Name: "example.org" })));
  await a("getDomain", (c) => c.getDomain(domainId));
  await a("editDomain", (c) => c.editDomain(domainId, { ReturnPathDomain: "pm-bounces.example.org" }));
  await a("getDomains", (c) => c.getDomains({ count: 10 }));
  for (const method of ["verifyDomainSPF", "verifyDomainDKIM", "verifyDomainReturnPath", "rotateDomainDKIM"]) {
    await a(method, (c) => c[method](domainId));
  }
  await a("deleteDomain", (c) => c.deleteDomain(domainId));
  const signatureId = idOf(await a("createSenderSignature", (c) => c.createSenderSignature({
    FromEmail: "team@example.org", Name: "Team",
  })));
  await a("getSenderSignature", (c) => c.getSenderSignature(signatureId));
  await a("editSenderSignature", (c) => c.editSenderSignature(signatureId, { Name: "The team" }));
  await a("getSenderSignatures", (c) => c.getSenderSignatures({ count: 10 }));
  for (const method of ["resendSenderSignatureConfirmation", "verifySenderSignatureSPF", "requestNewDKIMForSenderSignature"]) {
    await a(method, (c) => c[method](signatureId));
  }
  await a("deleteSenderSignature", (c) => c.deleteSenderSignature(signatureId));
  const removal = await a("requestDataRemoval", (c) => c.requestDataRemoval({
    RequestedBy: "dpo@example.com", RequestedFor: "ann@example.com", NotifyWhenCompleted: false,
  }));
  await a("getDataRemovalStatus", (c) => c.getDataRemovalStatus(idOf(removal)));

  await s("deleteTemplate", (c) => c.deleteTemplate(templateId));
  emit({ surface: surface() });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
