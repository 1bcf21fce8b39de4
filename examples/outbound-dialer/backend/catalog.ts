// The demo shop's products. Each picture is a small drawing made here, so the shop needs no files
// it could not ship and looks the same offline.

export interface Product {
  slug: string;
  name: string;
  category: string;
  priceCents: number;
  blurb: string;
  description: string;
  options: { label: string; values: string[] };
  /** Background and ink of the drawing. */
  colors: [string, string];
  /** SVG shapes drawn on a 200×150 canvas. */
  art: string;
}

export const PRODUCTS: readonly Product[] = [
  {
    slug: 'trailhead-28-daypack', name: 'Trailhead 28L Daypack', category: 'Packs', priceCents: 12900,
    blurb: 'A light, weatherproof pack for long day hikes.',
    description:
      'Roll-top main compartment, a padded laptop sleeve, two stretch side pockets and a ventilated back panel. Made from recycled ripstop with a PFAS-free ' +
        'coating.',
    options: { label: 'Colour', values: ['Moss', 'Slate', 'Ember'] },
    colors: ['#e3efe6', '#2f6b4f'],
    art: '<rect x="70" y="28" width="60" height="96" rx="16"/><rect x="80" y="70" width="40" height="36" rx="8" fill-opacity=".35" fill="#fff"/><path d="M86 ' +
      '28c0-14 28-14 28 0" fill="none" stroke-width="6"/>',
  },
  {
    slug: 'summit-2p-tent', name: 'Summit 2P Tent', category: 'Tents', priceCents: 34900,
    blurb: 'Freestanding two-person tent, 1.9 kg packed.',
    description:
      'Two doors, two vestibules and a full-coverage fly that pitches first in the rain. Colour-coded clips make it a five-minute pitch, even in the dark.',
    options: { label: 'Size', values: ['2 person', '3 person'] },
    colors: ['#fdf0dc', '#c4661f'],
    art: '<path d="M30 120 100 30l70 90z"/><path d="M100 30v90" stroke="#fff" stroke-width="3" stroke-opacity=".5"/><path d="M88 120l12-26 12 26z" ' +
      'fill="#fff" fill-opacity=".45"/><rect x="20" y="120" width="160" height="4" rx="2"/>',
  },
  {
    slug: 'ridgeline-rain-jacket', name: 'Ridgeline Rain Jacket', category: 'Clothing', priceCents: 18900,
    blurb: 'Three-layer shell that breathes on the climb.',
    description: 'Fully taped seams, pit zips, a helmet-compatible hood and a chest pocket that fits a map. Packs into its own pocket.',
    options: { label: 'Size', values: ['S', 'M', 'L', 'XL'] },
    colors: ['#e2ecf7', '#2c5d94'],
    art: '<path d="M78 26h44l30 24-12 18-12-8v62H72V60l-12 8-12-18z"/><path d="M100 30v90" stroke="#fff" stroke-width="3" stroke-opacity=".55"/>',
  },
  {
    slug: 'cascade-sleeping-bag', name: 'Cascade Sleeping Bag', category: 'Sleep', priceCents: 21900,
    blurb: 'Comfortable to −5 °C, 800-fill responsible down.',
    description: 'A roomy mummy cut, a draft collar and a two-way zip. Comes with a stuff sack and a cotton storage bag.',
    options: { label: 'Length', values: ['Regular', 'Long'] },
    colors: ['#efe6f6', '#6b3f8f'],
    art: '<rect x="40" y="40" width="120" height="70" rx="35"/><path d="M60 52c20 10 60 10 80 0M60 98c20-10 60-10 80 0" stroke="#fff" stroke-opacity=".45" ' +
      'stroke-width="3" fill="none"/>',
  },
  {
    slug: 'granite-hiking-boots', name: 'Granite Hiking Boots', category: 'Footwear', priceCents: 16900,
    blurb: 'Waterproof leather boots with a grippy sole.',
    description: 'Full-grain leather, a waterproof membrane and a resoleable lugged outsole. Broken in within a weekend.',
    options: { label: 'Size (US)', values: ['8', '9', '10', '11', '12'] },
    colors: ['#f4e9e1', '#7a4a2b'],
    art: '<path d="M62 30h40v52l42 14c10 3 14 10 14 18v8H50V38z"/><rect x="48" y="120" width="112" height="8" rx="3"/><path d="M70 44h22M70 56h22M70 68h22" ' +
      'stroke="#fff" stroke-opacity=".5" stroke-width="3"/>',
  },
  {
    slug: 'ember-camp-stove', name: 'Ember Camp Stove', category: 'Cooking', priceCents: 7900,
    blurb: 'Boils a litre in three minutes.',
    description: 'Piezo ignition, a wide pot support and a fold-away regulator. Fits inside its own 750 ml pot.',
    options: { label: 'Bundle', values: ['Stove only', 'With pot'] },
    colors: ['#fbe8e6', '#b23a2e'],
    art: '<rect x="60" y="88" width="80" height="36" rx="8"/><path d="M100 34c14 16 16 28 0 44-16-16-14-28 0-44z"/><path d="M54 84h92" stroke-width="6"/>',
  },
];

export function productBySlug(slug: string): Product | undefined {
  return PRODUCTS.find((p) => p.slug === slug);
}

export function productSvg(p: Product): string {
  const [bg, ink] = p.colors;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 150"><rect width="200" height="150" fill="${bg}"/><g fill="${ink}" stroke="${ink}" ` +
    `stroke-linejoin="round">${p.art}</g></svg>`;
}

export function price(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
