// Progressive enhancement only: every page reads and works without this file.
document.documentElement.classList.replace("no-js", "js");
