// Estate CRM: behaviour shared by every page (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // Filter forms marked data-autosubmit submit on change, so filters apply without a button.
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.addEventListener("change", () => form.requestSubmit());
  });
});

// Date pickers: every date, month and date-time input, on first load and in htmx swaps, gets flatpickr in
// the page's language. The submitted value keeps the ISO shape the server parses (2026-12-07, 2026-12,
// 2026-12-07T09:30); only what the user sees is localized ("2026年12月7日" / "Dec 7, 2026").
(() => {
  if (typeof flatpickr === "undefined") return;
  const chinese = (document.documentElement.lang || "").toLowerCase().startsWith("zh");
  const shapes = {
    date: { dateFormat: "Y-m-d", altFormat: chinese ? "Y年n月j日" : "M j, Y" },
    month: { dateFormat: "Y-m", altFormat: chinese ? "Y年n月" : "F Y" },
    "datetime-local": {
      dateFormat: "Y-m-d\\TH:i",
      altFormat: chinese ? "Y年n月j日 H:i" : "M j, Y H:i",
      enableTime: true,
      time_24hr: true,
    },
  };
  // Typed ISO dates (2026-12-07, 2026-12-07T09:30) are understood too, whatever the display format.
  const iso = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?$/;
  const parseDate = (text, format) => {
    const match = iso.exec((text || "").trim());
    if (match) {
      const [, y, m, d, hh, mm] = match;
      return new Date(+y, +m - 1, d ? +d : 1, hh ? +hh : 0, mm ? +mm : 0);
    }
    return flatpickr.parseDate(text, format);
  };
  const enhance = (root) => {
    const inputs = root.querySelectorAll
      ? root.querySelectorAll('input[type="date"], input[type="month"], input[type="datetime-local"]')
      : [];
    inputs.forEach((input) => {
      if (input._flatpickr) return;
      const shape = shapes[input.type];
      const required = input.required;
      const picker = flatpickr(input, {
        ...shape,
        altInput: true,
        allowInput: true,
        disableMobile: true,
        parseDate,
        locale: chinese && flatpickr.l10ns.zh ? flatpickr.l10ns.zh : "default",
        minDate: input.min || null,
        maxDate: input.max || null,
      });
      if (picker.altInput) {
        picker.altInput.required = required;
        picker.altInput.dataset.datePicker = input.name;
        const label = input.getAttribute("aria-label");
        if (label) picker.altInput.setAttribute("aria-label", label);
        if (input.id) {
          // The <label for=...> points at the visible field.
          const labelEl = document.querySelector(`label[for="${input.id}"]`);
          if (labelEl) picker.altInput.id = `${input.id}_picker`, labelEl.htmlFor = picker.altInput.id;
        }
      }
    });
  };
  if (typeof htmx !== "undefined") htmx.onLoad(enhance);
  else document.addEventListener("DOMContentLoaded", () => enhance(document));
})();
