// Builds ../static/govuk/ from govuk-frontend + src/tracker.scss.
// Usage: cd frontend && npm ci && npm run build
// Output is self-contained: nothing under static/ refers to node_modules.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import * as sass from 'sass'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const outDir = path.resolve(here, '..', 'static', 'govuk')
const imagesDir = path.join(outDir, 'assets', 'images')
const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk')
const govukVersion = require('govuk-frontend/package.json').version
const sassVersion = sass.info.split('\t')[1] // sass does not export package.json
const ASSETS_URL = '/static/govuk/assets/'

const problems = []
const fail = (msg) => problems.push(msg)

// 1. Compile Sass --------------------------------------------------------------
const result = sass.compile(path.join(here, 'src', 'tracker.scss'), {
  style: 'compressed',
  sourceMap: false,
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
})
const css = result.css
fs.rmSync(outDir, { recursive: true, force: true })
fs.mkdirSync(imagesDir, { recursive: true })
fs.writeFileSync(path.join(outDir, 'govuk-frontend.min.css'), css + '\n')

// 2. JavaScript (ES module) and its source map, copied as published -------------
for (const f of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  fs.copyFileSync(path.join(govukDist, f), path.join(outDir, f))
}

// 3. Parse the compiled CSS enough to read colours back ------------------------
function parseRules (text) {
  const rules = []
  const stack = []
  let buf = ''
  let quote = null
  for (const ch of text) {
    if (quote) { buf += ch; if (ch === quote) quote = null; continue }
    if (ch === '"' || ch === "'") { quote = ch; buf += ch; continue }
    if (ch === '{') { stack.push(buf.trim()); buf = '' } else if (ch === '}') {
      const prelude = stack.pop()
      if (prelude && !prelude.startsWith('@') && buf.trim()) {
        const decls = {}
        for (const d of buf.split(';')) {
          const i = d.indexOf(':')
          if (i > 0) decls[d.slice(0, i).trim()] = d.slice(i + 1).trim()
        }
        rules.push({ selectors: prelude.split(',').map(s => s.trim()), decls, atRules: stack.filter(s => s.startsWith('@')) })
      }
      buf = ''
    } else buf += ch
  }
  return rules
}
const rules = parseRules(css)

function computed (...selectors) {
  const style = {}
  for (const r of rules) {
    if (r.atRules.length) continue // ignore print / forced-colours / responsive variants
    if (r.selectors.some(s => selectors.includes(s))) Object.assign(style, r.decls)
  }
  return style
}
const rootVars = computed(':root')
function resolve (value, style) {
  if (!value) return null
  const m = value.match(/^var\((--[\w-]+)\s*,\s*(.+)\)$/)
  if (m) return resolve(style[m[1]] ?? rootVars[m[1]] ?? m[2], style)
  const hex = value.match(/#[0-9a-f]{3,8}\b/i)
  if (hex) return hex[0]
  const rgb = value.match(/rgb\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*\)/)
  return rgb ? '#' + rgb.slice(1, 4).map(v => Number(v).toString(16).padStart(2, '0')).join('') : value
}
function hexToRgb (hex) {
  let h = hex.replace('#', '')
  if (h.length === 3) h = [...h].map(c => c + c).join('')
  return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16))
}
function luminance (hex) {
  const [r, g, b] = hexToRgb(hex).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4 })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
function contrast (a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (l1 + 0.05) / (l2 + 0.05)
}

// 4. WCAG 2.2 AA contrast, measured on the compiled CSS -------------------------
const WHITE = '#ffffff'
const checks = [
  // [label, selectors making up the element, background override or null]
  ['Header (council name)', ['.govuk-header'], null],
  ['Service navigation', ['.govuk-service-navigation'], null],
  ['Service navigation (inverse)', ['.govuk-service-navigation', '.govuk-service-navigation--inverse'], null],
  ['Links on page background', ['.govuk-link:link'], WHITE],
  ['Visited links', ['.govuk-link:visited'], WHITE],
  ['Links on service navigation', ['.govuk-link:link'], resolve(rootVars['--govuk-surface-background-colour'], {})],
  ['Tag green  "On track"', ['.govuk-tag', '.app-tag--green'], null],
  ['Tag amber  "At risk"', ['.govuk-tag', '.app-tag--amber'], null],
  ['Tag red    "Off track"', ['.govuk-tag', '.app-tag--red'], null],
  ['Tag blue   "Complete"', ['.govuk-tag', '.app-tag--blue'], null],
  ['Tag grey   "Not started"', ['.govuk-tag', '.app-tag--grey'], null],
  ['Direction improved', ['.app-direction', '.app-direction--improved'], WHITE],
  ['Direction unchanged', ['.app-direction', '.app-direction--unchanged'], WHITE],
  ['Direction worsened', ['.app-direction', '.app-direction--worsened'], WHITE],
  ['Direction new', ['.app-direction', '.app-direction--new'], WHITE],
  ['Sample banner text', ['.app-sample-banner__content'], resolve(computed('.app-sample-banner')['background-color'], {})],
  ['Sample banner tag', ['.app-sample-banner__tag'], null],
  ['Flag (not updated)', ['.app-flag'], WHITE],
  ['Flag (overdue)', ['.app-flag', '.app-flag--overdue'], WHITE],
  ['Flag icon', ['.app-flag__icon'], null],
  ['Flag icon (overdue)', ['.app-flag__icon', '.app-flag--overdue .app-flag__icon'], null],
]
const contrastLines = []
for (const [label, sels, bgOverride] of checks) {
  const style = computed(...sels)
  const fg = resolve(style.color, style)
  const bg = bgOverride ?? resolve(style['background-color'] ?? style.background, style)
  if (!fg?.startsWith('#') || !bg?.startsWith('#')) { fail(`contrast: could not read colours for ${label} (${fg} on ${bg})`); continue }
  const ratio = contrast(fg, bg)
  const line = `${label.padEnd(30)} ${fg} on ${bg}  ${ratio.toFixed(2)}:1 ${ratio >= 4.5 ? 'AA pass' : 'FAIL'}`
  contrastLines.push(line)
  if (ratio < 4.5) fail(`contrast below 4.5:1: ${line}`)
}
const brand = resolve(computed('.govuk-header').background, computed('.govuk-header'))

// 5. Council icons (no crown): generated from the brand colour -----------------
// A rounded square in the brand colour with a white tick, as SVG, PNG and ICO.
const TICK = [[8, 16.5], [13.5, 22], [24, 10.5]]
fs.writeFileSync(path.join(imagesDir, 'favicon.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${brand}"/>` +
  `<path d="M${TICK.map(p => p.join(' ')).join('L')}" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>\n`)

function segDist (px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax; const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - ax - t * dx, py - ay - t * dy)
}
function iconPixels (size, rounded) {
  const [br, bg, bb] = hexToRgb(brand)
  const px = Buffer.alloc(size * size * 4)
  const ss = 4 // supersampling
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let cov = 0; let white = 0
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = (x + (sx + 0.5) / ss) * 32 / size; const v = (y + (sy + 0.5) / ss) * 32 / size
          const r = rounded ? 6 : 0
          const cx = Math.min(Math.max(u, r), 32 - r); const cy = Math.min(Math.max(v, r), 32 - r)
          if (Math.hypot(u - cx, v - cy) > r) continue
          cov++
          if (Math.min(segDist(u, v, TICK[0], TICK[1]), segDist(u, v, TICK[1], TICK[2])) <= 2) white++
        }
      }
      const n = ss * ss; const i = (y * size + x) * 4
      const w = cov ? white / cov : 0
      px[i] = Math.round(br + (255 - br) * w); px[i + 1] = Math.round(bg + (255 - bg) * w); px[i + 2] = Math.round(bb + (255 - bb) * w)
      px[i + 3] = Math.round(255 * cov / n)
    }
  }
  return px
}
const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0 })
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0 }
function png (size, rounded) {
  const raw = iconPixels(size, rounded)
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) raw.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td))
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}
// Apple touch icon: square (iOS rounds it), favicon.ico: 16/32/48 PNG-in-ICO.
fs.writeFileSync(path.join(imagesDir, 'app-icon-180.png'), png(180, false))
const icoImages = [16, 32, 48].map(s => [s, png(s, true)])
const icoHeader = Buffer.alloc(6 + 16 * icoImages.length)
icoHeader.writeUInt16LE(0, 0); icoHeader.writeUInt16LE(1, 2); icoHeader.writeUInt16LE(icoImages.length, 4)
let offset = icoHeader.length
icoImages.forEach(([s, data], i) => {
  const e = 6 + 16 * i
  icoHeader.writeUInt8(s, e); icoHeader.writeUInt8(s, e + 1)
  icoHeader.writeUInt16LE(1, e + 4); icoHeader.writeUInt16LE(32, e + 6)
  icoHeader.writeUInt32LE(data.length, e + 8); icoHeader.writeUInt32LE(offset, e + 12)
  offset += data.length
})
fs.writeFileSync(path.join(imagesDir, 'favicon.ico'), Buffer.concat([icoHeader, ...icoImages.map(([, d]) => d)]))

// 6. Branding and self-containment checks ---------------------------------------
if (/@font-face/i.test(css)) fail('compiled CSS contains @font-face')
if (/GDS Transport/i.test(css)) fail('compiled CSS mentions GDS Transport')
if (/crest\.svg|crown\.svg|govuk-icon/i.test(css)) fail('compiled CSS refers to a GOV.UK crest/crown image')
const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map(m => m[1]).filter(u => !u.startsWith('data:'))
for (const u of urls) {
  if (!u.startsWith(ASSETS_URL)) { fail(`url() outside ${ASSETS_URL}: ${u}`); continue }
  if (!fs.existsSync(path.join(outDir, 'assets', u.slice(ASSETS_URL.length)))) fail(`url() to a file not shipped: ${u}`)
}
const shipped = fs.readdirSync(path.join(outDir), { recursive: true })
if (shipped.some(f => /\.(woff2?|ttf|otf|eot)$/i.test(f) || /crest|crown|govuk-icon/i.test(f))) fail('a font or GOV.UK crown/crest file was shipped')
if (!css.includes(brand)) fail('brand colour missing from CSS')

// 7. VERSION ----------------------------------------------------------------------
const buildDate = new Date().toISOString().slice(0, 10)
fs.writeFileSync(path.join(outDir, 'VERSION'), [
  `govuk-frontend ${govukVersion}`,
  `sass ${sassVersion}`,
  `built ${buildDate}`,
  `brand colour ${brand}`,
  'source: frontend/ (cd frontend && npm ci && npm run build)',
  '',
].join('\n'))

// Report
const totalBytes = shipped.map(f => path.join(outDir, f)).filter(f => fs.statSync(f).isFile()).reduce((n, f) => n + fs.statSync(f).size, 0)
console.log(`govuk-frontend ${govukVersion}, sass ${sassVersion}, brand ${brand}`)
console.log(`CSS ${css.length} bytes; url() references: ${urls.length ? urls.join(', ') : 'none'}`)
console.log('WCAG 2.2 AA contrast (>= 4.5:1):')
for (const l of contrastLines) console.log('  ' + l)
console.log(`static/govuk: ${shipped.length} entries, ${(totalBytes / 1024).toFixed(1)} KiB`)
if (problems.length) {
  console.error('\nBUILD CHECKS FAILED:\n  ' + problems.join('\n  '))
  process.exit(1)
}
console.log('All checks passed.')
