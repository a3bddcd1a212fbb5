// The signed-in account as the app knows it (a real app reads it from its session).
export const context = {
  account: { id: "acct_1", plan: "free" },
  user: { id: "u_1", role: "owner" },
  usage: { seats: { used: 3 } },
  page: { route: "/reports", feature: "reports" },
};
