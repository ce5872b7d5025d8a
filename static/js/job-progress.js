// Progress of a background job: poll its JSON status and update the <progress> bar and the
// aria-live status sentence; reload once it has finished so the page shows its result and links.
// A separate file because our Content-Security-Policy forbids inline script. Without
// JavaScript the page still works: it has a Refresh link.
const box = document.querySelector('[data-job-status-url]')

if (box && !box.hasAttribute('data-job-finished')) {
  const bar = box.querySelector('progress')
  const status = box.querySelector('[role="status"]')
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.jobStatusUrl, { headers: { Accept: 'application/json' } })
      if (response.ok) {
        const job = await response.json()
        if (job.finished || job.stalled) {
          window.location.reload()
          return
        }
        if (job.status !== 'queued') bar.value = job.percent
        if (status.textContent !== job.text) status.textContent = job.text
      }
    } catch (error) {
      // The network dropped for a moment: try again at the next tick.
    }
    window.setTimeout(poll, 2000)
  }
  window.setTimeout(poll, 2000)
}
