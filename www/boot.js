// Classic script, runs before the app module: explains a failed module load (usually pkg/ not built).
window.addEventListener("error", (event) => {
  if (event.target && event.target.id === "app-script") {
    const status = document.getElementById("boot-status");
    if (status) {
      status.textContent = "The engine package could not be loaded. Build it with ./scripts/build.sh (or make pkg) and reload.";
      status.classList.add("is-error");
    }
  }
}, true);
