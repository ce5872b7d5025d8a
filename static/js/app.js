// Peer Challenge Tracker: start GOV.UK Frontend.
// Loaded at the end of <body> as <script type="module" src="/static/js/app.js">.
// No inline scripts (our Content-Security-Policy forbids them), so the
// "JavaScript is available" classes GOV.UK Frontend expects are added here.
// They must be set BEFORE initAll(): it checks for govuk-frontend-supported.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
