// The preview's and the why panel's words (see i18n.js). The callouts' and meters' own words
// (Dismiss, Not now, states, forecasts) are the package components', picked from the context's
// locale by the components themselves.
import { addWords } from "./i18n.js";

addWords({
  en: {
    "preview.usage": "Usage",
    "preview.noMetrics": "This catalog defines no metrics.",
    "preview.noFeatures": "This catalog defines no features.",
    "preview.placement": "placement: {placement}",
    "preview.binds": "(binds)",
    "preview.projected": "Projected {value} by {date}",
    "preview.burn": "About {value} a day",
    "price.once": "{price} once",
    "price.month": "{sign}{price} / month",
    "price.contactSales": "Contact sales",
    "toast.hostWouldRun": "The host would run “{action}”{target}{recorded}.",
    "toast.forTarget": " for {target}",
    "toast.clickRecorded": " (click recorded)",
    "toast.hostWouldOpen": "The host would open {url}{recorded}.",
  },
  ja: {
    "preview.usage": "利用状況",
    "preview.noMetrics": "このカタログには指標がありません。",
    "preview.noFeatures": "このカタログには機能がありません。",
    "preview.placement": "配置: {placement}",
    "preview.binds": "（制約中）",
    "preview.projected": "{date}までの予測 {value}",
    "preview.burn": "1日あたり約{value}",
    "price.once": "{price}（1回）",
    "price.month": "{sign}{price} / 月",
    "price.contactSales": "営業へ問い合わせ",
    "toast.hostWouldRun": "ホストは「{action}」{target}を実行します{recorded}。",
    "toast.forTarget": "（{target}）",
    "toast.clickRecorded": "（クリックを記録）",
    "toast.hostWouldOpen": "ホストは {url} を開きます{recorded}。",
  },
});
