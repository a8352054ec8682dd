/**
 * The public page's whole style, inlined (no second request on a weak network). Phone first: one column,
 * system fonts (the CJK font the phone has), tables that fit 360 px; wider screens only get a wider column.
 */
export const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f6f7f9}
main{max-width:760px;margin:0 auto;padding:0 12px 24px;overflow-wrap:anywhere}
header{display:flex;justify-content:space-between;align-items:baseline;gap:8px;padding:12px 0 4px}
h1{font-size:20px;margin:0}
h2{font-size:17px;margin:20px 0 8px}
h3{font-size:15px;margin:12px 0 4px}
a{color:#0b57d0}
section{background:#fff;border-radius:8px;padding:4px 12px 12px;margin-top:12px}
.synthetic{background:#b00020;color:#fff;font-weight:700;padding:8px 12px;border-radius:6px;margin:8px 0}
.asof{color:#555;margin:4px 0}
.lv{display:inline-block;padding:0 6px;border-radius:4px;font-size:13px;white-space:nowrap}
.lv-high{background:#c62828;color:#fff}.lv-medium{background:#f9a825;color:#000}.lv-low{background:#e8f5e9;color:#1b5e20}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
ul{padding-left:18px;margin:4px 0}
form{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
label{display:flex;gap:6px;align-items:center;flex:1 1 220px;min-width:0}
select,button{font:inherit;padding:6px 8px;max-width:100%}
select{flex:1;min-width:0;width:100%}
button{background:#0b57d0;color:#fff;border:0;border-radius:6px}
svg{max-width:100%;height:auto}
.note{color:#555;font-size:13px}
details summary{cursor:pointer;color:#0b57d0;margin:6px 0}
footer{color:#555;font-size:13px;margin-top:16px}
`;
