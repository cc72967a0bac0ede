// Estate CRM analytics: draws every [data-chart] element with the vendored ECharts, from the JSON the page
// put in a <script type="application/json"> (json_script): no inline script, so the CSP holds.
(() => {
  const lang = document.documentElement.lang || "en";
  const chinese = lang.toLowerCase().startsWith("zh");
  const plain = new Intl.NumberFormat(chinese ? "zh-CN" : "en", { maximumFractionDigits: 1 });

  function format(value, kind) {
    if (value === null || value === undefined) return "—"; // nothing measured (a gap in the chart)
    if (kind === "money") {
      if (chinese) return `${plain.format(value / 10000)}万`;
      return `¥${new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 }).format(value)}`;
    }
    if (kind === "pct") return `${plain.format(value)} %`;
    return plain.format(value);
  }

  const QUADRANT_PLACES = [[1, 0], [1, 1], [0, 0], [0, 1]]; // star, troublesome, chicken rib, dog

  function quadrantOption(data) {
    const counts = data.series[0].data;
    const profits = data.series[1] ? data.series[1].data : counts.map(() => 0);
    const largest = Math.max(1, ...counts);
    const bare = { axisLabel: { show: false }, axisLine: { show: false }, axisTick: { show: false }, splitLine: { show: false } };
    return {
      grid: { left: 24, right: 8, top: 8, bottom: 24 },
      xAxis: { min: -0.5, max: 1.5, name: (data.axes || [])[0], nameLocation: "middle", nameGap: 12, ...bare },
      yAxis: { min: -0.5, max: 1.5, name: (data.axes || [])[1], nameLocation: "middle", nameGap: 12, ...bare },
      tooltip: { formatter: (p) => `${p.data.name}<br>${format(p.data.count, "number")} · ${format(p.data.profit, "money")}` },
      series: [{
        type: "scatter",
        data: data.categories.map((name, i) => ({
          name, count: counts[i], profit: profits[i], link: data.links[i],
          value: QUADRANT_PLACES[i] || [0, 0],
        })),
        symbolSize: (value, p) => 30 + 70 * Math.sqrt(p.data.count / largest),
        label: { show: true, formatter: (p) => `${p.data.name}\n${format(p.data.count, "number")}`, color: "#fff" },
        markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: "#adb5bd" }, data: [{ xAxis: 0.5 }, { yAxis: 0.5 }] },
      }],
    };
  }

  function option(data) {
    if (data.kind === "quadrant") return quadrantOption(data);
    if (data.kind === "pie") {
      return {
        tooltip: { trigger: "item" },
        series: [{
          type: "pie", radius: ["35%", "70%"],
          data: data.categories.map((name, i) => ({ name, value: data.series[0].data[i], link: data.links[i] })),
        }],
      };
    }
    const horizontal = data.kind === "hbar";
    const categoryAxis = { type: "category", data: data.categories, axisLabel: { width: 90, overflow: "truncate" } };
    const valueAxis = { type: "value", axisLabel: { formatter: (v) => format(v, data.series[0].format) } };
    return {
      tooltip: { trigger: "axis", valueFormatter: (v) => format(v, data.series[0].format) },
      legend: data.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: data.series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
      series: data.series.map((s) => ({
        name: s.name, type: data.kind === "line" ? "line" : "bar", data: s.data.map((value, i) => ({ value, link: data.links[i] })),
      })),
    };
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const source = document.getElementById(element.dataset.chart);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      const chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option(data));
      chart.on("click", (params) => {
        const link = params.data && params.data.link;
        if (link) window.location.assign(link);
      });
      window.addEventListener("resize", () => chart.resize());
    });
  });
})();
