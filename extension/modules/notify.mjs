/** Telling the user what happened to a message (which path sent it, or why nothing was sent). */
import { t } from "./i18n.mjs";

export async function report(kind, substitutions = []) {
  const record = { kind, substitutions, at: new Date().toISOString() };
  await messenger.storage.local.set({ lastReport: record });
  try {
    await messenger.notifications.create({
      type: "basic",
      title: t("extensionName"),
      message: t(`report_${kind}`, substitutions),
      iconUrl: messenger.runtime.getURL("icons/inkan.svg"),
    });
  } catch (e) {
    // No notification service (e.g. headless): the record above still tells.
    console.warn("inkan: notification not shown", e?.message);
  }
  return record;
}
