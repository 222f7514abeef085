/// `report.html`'s stylesheet, inline so the page needs nothing beside it (a CI artifact, a file:// URL, an
/// e-mail attachment): readable on a laptop screen (one column up to 72rem, plots two abreast when there is
/// room, wide tables scroll inside their box) and on paper (no navigation, no page break inside a table or
/// a plot, the colours that carry meaning printed).
enum HTMLStyle {
    static let css = """
        :root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d0d7de; --head: #f6f8fa;
                --bad: #ffebe9; --bad-line: #cf222e; --good: #dafbe1; --good-line: #1a7f37; --note: #fff8c5; --note-line: #9a6700; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
               font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif; }
        main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
        h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-top: .6rem; border-top: 2px solid var(--line); }
        h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
        h4 { font-size: .95rem; margin: 1rem 0 .3rem; }
        p { margin: .4rem 0; }
        .muted, .meta { color: var(--muted); }
        .meta { margin: 0 0 .8rem; }
        code, .hash { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .88em; }
        .hash { word-break: break-all; }
        nav.toc { margin: .8rem 0 1rem; padding: .5rem .8rem; background: var(--head); border-radius: 6px; }
        nav.toc ul { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .2rem 1.1rem; }
        nav.toc a { color: #0969da; text-decoration: none; }
        .banner { margin: .6rem 0; padding: .55rem .8rem; border-left: 5px solid var(--line); background: var(--head); border-radius: 4px; }
        .banner.ok { border-color: var(--good-line); background: var(--good); }
        .banner.bad { border-color: var(--bad-line); background: var(--bad); }
        .banner.partial { border-color: var(--note-line); background: var(--note); }
        .table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .92rem; }
        th, td { padding: .3rem .65rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { background: var(--head); font-weight: 600; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tr.mark-bad td, td.mark-bad { background: var(--bad); }
        tr.mark-bad td:first-child { box-shadow: inset 4px 0 0 var(--bad-line); }
        tr.mark-good td, td.mark-good { background: var(--good); }
        tr.mark-note td, td.mark-note { background: var(--note); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
        dl.facts dt { font-weight: 600; color: var(--muted); }
        dl.facts dd { margin: 0; }
        ul.jobs { margin: .3rem 0 .8rem; padding-left: 1.2rem; }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: .8rem; margin: .6rem 0 1rem; }
        figure.plot { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .3rem; background: #fff; }
        figure.plot svg { display: block; width: 100%; height: auto; }
        footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; }
        @media print {
          @page { margin: 14mm; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          nav.toc { display: none; }
          h2 { break-after: avoid; }
          h3, h4 { break-after: avoid; }
          table, figure.plot, .banner, dl.facts { break-inside: avoid; }
          .table-wrap { overflow: visible; }
          .plots { grid-template-columns: 1fr 1fr; }
          a { color: inherit; text-decoration: none; }
        }
        """
}
