// The API's documentation page (/docs): Swagger UI, vendored by `make web`, over sitrep's own OpenAPI
// schema. A file rather than an inline script, so that the page keeps the strict script policy.
window.addEventListener("DOMContentLoaded", () => {
  window.ui = window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
  document.body.dataset.ready = "true";
});
