import type { ChartSvg } from "~/utils/charts.server";

/**
 * A chart drawn on the server (app/utils/charts.server.ts) in a figure whose caption is the
 * text summary ("Coverage rose from 41% at the baseline to 63% now"), so the point of the chart
 * is there in words for everyone, and the table beside it holds every figure.
 *
 * The SVG is put in as markup: it can only be a ChartSvg, which only charts.server.ts makes,
 * and that module writes every label through the DOM's text nodes, which escape it.
 */
export function Chart({ svg, caption }: { svg: ChartSvg; caption: string }) {
  return (
    <figure className="app-chart">
      <figcaption className="app-chart__caption">{caption}</figcaption>
      <div className="app-chart__drawing" dangerouslySetInnerHTML={{ __html: svg }} />
    </figure>
  );
}
