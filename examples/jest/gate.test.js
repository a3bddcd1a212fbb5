const { upgradeButton } = require("./gate");

const context = (plan) => ({ now: "2026-11-24T09:00:00Z", account: { plan }, user: { role: "owner" } });

test("a free account is offered the Team plan for reports", () => {
  expect(upgradeButton("reports", context("free"))).toBe("Upgrade to Team");
});

test("a team account has reports", () => {
  expect(upgradeButton("reports", context("team"))).toBeNull();
});
