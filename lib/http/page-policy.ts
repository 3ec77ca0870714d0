// The policies of the HTML pages this API serves itself: the docs page (lib/docs-page/) and the
// pages mailed links open (lib/account-pages/). Each page loads only files of its own origin,
// runs nothing inline or evaluated, and may send requests only to its own origin.

/** Scripts, styles and requests of the page's own origin only, nothing inline or evaluated. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Swagger UI's stylesheet draws its icons as data: SVGs; every page's favicon is an empty data: URL.
  "img-src 'self' data:",
  // The docs page's description and "Try it out", the account pages' POSTs: this stage only.
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  // Forms are sent by the pages' scripts, never by the browser (which would put fields in a URL).
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The features @middy/http-security-headers turns off for HTML answers, less the names Chromium
 * no longer knows and warns about on every load (ambient-light-sensor, battery, document-domain…).
 */
export const PAGE_PERMISSIONS_POLICY = [
  "accelerometer",
  "autoplay",
  "camera",
  "cross-origin-isolated",
  "display-capture",
  "encrypted-media",
  "fullscreen",
  "geolocation",
  "gyroscope",
  "keyboard-map",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "picture-in-picture",
  "publickey-credentials-get",
  "screen-wake-lock",
  "sync-xhr",
  "usb",
  "xr-spatial-tracking",
  "clipboard-read",
  "clipboard-write",
  "gamepad",
  "speaker-selection",
  "hid",
  "idle-detection",
  "interest-cohort",
  "serial",
]
  .map((feature) => `${feature}=()`)
  .join(", ");
