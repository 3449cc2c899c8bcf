/** The store-passphrase window: the passphrase goes to the background once, for store.unlock. */
import { ask, ready, errorText } from "../common/page.mjs";

ready(async () => {
  const request = new URLSearchParams(location.search).get("request");
  const details = await ask("unlock.get", { request });
  if (details?.error) {
    const problem = document.getElementById("problem");
    problem.textContent = errorText(details.error);
    problem.hidden = false;
  }
  const field = document.getElementById("passphrase");
  field.focus();
  document.getElementById("form").addEventListener("submit", event => {
    event.preventDefault();
    const passphrase = field.value;
    field.value = "";
    ask("unlock.answer", { request, passphrase });
  });
  document.getElementById("cancel").addEventListener("click", () => ask("unlock.answer", { request, passphrase: null }));
});
