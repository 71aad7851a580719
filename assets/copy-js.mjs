// Copies the browser scripts we serve from node_modules into the compiled static folder.
import { copyFileSync, mkdirSync } from "node:fs";

const out = "improvement/static/compiled";
mkdirSync(out, { recursive: true });
copyFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
copyFileSync("node_modules/htmx.org/dist/htmx.min.js", `${out}/htmx.min.js`);
