// The demo shop's pages, rendered on its server like most shops. The one line that matters for
// Tandem is the SDK's script tag in `layout`; everything else is an ordinary small shop.
import { PRODUCTS, price, type Product } from './catalog.ts';
import type { DemoCustomer } from './customers.ts';

export interface CartLine {
  product: Product;
  quantity: number;
}

export interface PageContext {
  tandemUrl: string;
  deploymentKey: string;
  customer: DemoCustomer | null;
  cart: CartLine[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const cartTotalCents = (cart: CartLine[]) => cart.reduce((sum, l) => sum + l.product.priceCents * l.quantity, 0);

const LOGO =
  '<svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true"><circle cx="16" cy="16" r="15" fill="#1f4d3a"/><path d="M6 23 13 11l4 6 3-4 6 10z" ' +
    'fill="#f3c969"/></svg>';
const CART_ICON =
  '<svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" ' +
    'stroke-linejoin="round"><path d="M3 4h2l2.4 11.2a2 2 0 0 0 2 1.6h7.8a2 2 0 0 0 2-1.5L21 8H6.2"/><circle cx="10" cy="20" r="1.3"/><circle cx="17" ' +
      'cy="20" r="1.3"/></svg>';

export function layout(ctx: PageContext, title: string, main: string, options: { wide?: boolean } = {}): string {
  const count = ctx.cart.reduce((n, l) => n + l.quantity, 0);
  const account = ctx.customer
    ? `<form method="post" action="/signout" class="account"><span class="hello">Hi, ${esc(ctx.customer.name.split(' ')[0]!)}</span><button ` +
      `class="link-button" type="submit">Sign out</button></form>`
    : '<a class="account" href="/signin">Sign in</a>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Northwind Outfitters</title>
<link rel="stylesheet" href="/shop.css">
<link rel="icon" href="data:,">
<!-- Tandem: the whole integration on the page is this one tag. -->
<script src="${esc(ctx.tandemUrl)}/sdk.js" data-deployment="${esc(ctx.deploymentKey)}" async></script>
<script src="/shop.js" defer></script>
</head>
<body${ctx.customer ? ` data-signed-in="${esc(ctx.customer.id)}"` : ''}>
<div class="promo">Free shipping on orders over $100 · 60-day returns · Questions? Call 1-800-555-0199</div>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/">${LOGO}<span>Northwind <b>Outfitters</b></span></a>
    <nav class="main-nav" aria-label="Departments">
      <a href="/#shop">Tents</a><a href="/#shop">Packs</a><a href="/#shop">Clothing</a><a href="/#shop">Footwear</a><a href="/help">Help</a>
    </nav>
    <div class="header-tools">
      ${account}
      <a class="cart-link" href="/cart">${CART_ICON}<span>Cart</span><span class="badge" data-cart-count>${count}</span></a>
    </div>
  </div>
</header>
<main class="wrap${options.wide ? ' wide' : ''}">
${main}
</main>
<section class="support-strip" aria-labelledby="support-title">
  <div class="wrap support-row">
    <div>
      <h2 id="support-title">On the phone with us?</h2>
      <p>Our team can see this tab with you, once you say yes. Get a code to read to them, or type the one they read to you.</p>
    </div>
    <div class="support-actions">
      <button type="button" class="btn btn-light" data-support="request">Get a support code</button>
      <button type="button" class="btn btn-outline-light" data-support="enter">Have a code?</button>
    </div>
  </div>
</section>
<footer class="site-footer">
  <div class="wrap footer-grid">
    <div><a class="brand brand-footer" href="/">${LOGO}<span>Northwind <b>Outfitters</b></span></a><p>Gear for long days outside, since 1987. A demo shop ` +
      `for Tandem: nothing here is for sale.</p></div>
    <div><h3>Shop</h3><a href="/#shop">Tents</a><a href="/#shop">Packs</a><a href="/#shop">Clothing</a><a href="/#shop">Footwear</a></div>
    <div><h3>Help</h3><a href="/help">Delivery</a><a href="/help">Returns</a><a href="/help">Warranty</a><a href="/help">Contact us</a></div>
    <div><h3>Company</h3><a href="/help">Our story</a><a href="/help">Repairs</a><a href="/help">Privacy</a></div>
  </div>
</footer>
<dialog class="code-dialog" id="code-dialog" aria-labelledby="code-dialog-title" aria-describedby="code-dialog-text code-dialog-code">
  <form method="dialog" class="code-card">
    <h2 id="code-dialog-title"></h2>
    <p class="code-text" id="code-dialog-text"></p>
    <p class="big-code" id="code-dialog-code" hidden></p>
    <label class="code-entry" id="code-dialog-entry" hidden>
      <span>Code</span>
      <input id="code-dialog-input" inputmode="numeric" autocomplete="one-time-code" maxlength="16" placeholder="123 456 7890">
    </label>
    <p class="code-error" id="code-dialog-error" role="alert"></p>
    <div class="code-actions">
      <button class="btn btn-ghost" value="cancel">Close</button>
      <button class="btn btn-primary" id="code-dialog-submit" value="default" hidden>Connect</button>
    </div>
  </form>
</dialog>
</body>
</html>`;
}

function productCard(p: Product): string {
  return `<a class="product-card" href="/product/${p.slug}">
  <img src="/images/${p.slug}.svg" alt="" width="400" height="300">
  <span class="category">${esc(p.category)}</span>
  <span class="name">${esc(p.name)}</span>
  <span class="blurb">${esc(p.blurb)}</span>
  <span class="price">${price(p.priceCents)}</span>
</a>`;
}

export function homePage(ctx: PageContext): string {
  return layout(ctx, 'Outdoor gear', `
<section class="hero">
  <div class="hero-text">
    <p class="eyebrow">Autumn collection</p>
    <h1>Made for the long way round.</h1>
    <p>Tents, packs and shells tested on the Pacific Crest Trail. Repaired for free for as long as you own them.</p>
    <a class="btn btn-primary" href="#shop">Shop the collection</a>
  </div>
  <div class="hero-art" aria-hidden="true">
    <svg viewBox="0 0 400 260" preserveAspectRatio="xMidYMid slice"><rect width="400" height="260" fill="#dbe8df"/><circle cx="300" cy="70" r="34" ` +
      `fill="#f3c969"/><path d="M0 210 120 80l70 80 50-50 160 100v90H0z" fill="#2f6b4f"/><path d="M0 230 90 160l80 50 70-30 160 60v60H0z" fill="#1f4d3a"/></svg>
  </div>
</section>
<section class="perks">
  <div><b>Free repairs</b><span>For the life of the product</span></div>
  <div><b>60-day returns</b><span>Used outdoors? Still fine.</span></div>
  <div><b>Carbon-neutral delivery</b><span>2–4 working days</span></div>
</section>
<h2 class="section-title" id="shop">Bestsellers</h2>
<div class="product-grid">${PRODUCTS.map(productCard).join('')}</div>`);
}

export function productPage(ctx: PageContext, p: Product): string {
  return layout(ctx, p.name, `
<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> / <a href="/#shop">${esc(p.category)}</a> / <span>${esc(p.name)}</span></nav>
<article class="product-page">
  <img class="product-hero" src="/images/${p.slug}.svg" alt="${esc(p.name)}" width="600" height="450">
  <div class="product-info">
    <p class="category">${esc(p.category)}</p>
    <h1>${esc(p.name)}</h1>
    <p class="price big">${price(p.priceCents)}</p>
    <p class="stars" aria-label="4.7 out of 5 stars">★★★★★ <span>4.7 · 212 reviews</span></p>
    <p>${esc(p.description)}</p>
    <form method="post" action="/cart/add" class="buy-form">
      <input type="hidden" name="slug" value="${p.slug}">
      <label>${esc(p.options.label)}
        <select name="option">${p.options.values.map((v) => `<option>${esc(v)}</option>`).join('')}</select>
      </label>
      <label>Quantity
        <select name="quantity">${[1, 2, 3, 4].map((n) => `<option>${n}</option>`).join('')}</select>
      </label>
      <button class="btn btn-primary wide-btn" type="submit">Add to cart</button>
    </form>
    <ul class="ticks"><li>Free delivery in 2–4 working days</li><li>Free repairs for life</li><li>Pay in 4 interest-free instalments</li></ul>
  </div>
</article>
<h2 class="section-title">You may also like</h2>
<div class="product-grid">${PRODUCTS.filter((o) => o.slug !== p.slug).slice(0, 3).map(productCard).join('')}</div>`);
}

export function cartPage(ctx: PageContext): string {
  const lines = ctx.cart.map((l) => `
<div class="cart-line">
  <img src="/images/${l.product.slug}.svg" alt="" width="120" height="90">
  <div><a href="/product/${l.product.slug}" class="name">${esc(l.product.name)}</a><span class="muted">Qty ${l.quantity}</span></div>
  <span class="price">${price(l.product.priceCents * l.quantity)}</span>
  <form method="post" action="/cart/remove"><input type="hidden" name="slug" value="${l.product.slug}"><button class="link-button" type="submit">` +
    `Remove</button></form>
</div>`).join('');
  return layout(ctx, 'Cart', `
<h1 class="page-title">Your cart</h1>
${ctx.cart.length ? `<div class="cart">${lines}</div>
<div class="cart-total"><span>Subtotal</span><b>${price(cartTotalCents(ctx.cart))}</b></div>
<div class="cart-actions"><a class="btn btn-ghost" href="/">Keep shopping</a><a class="btn btn-primary" href="/checkout">Go to checkout</a></div>`
    : '<p class="empty">Your cart is empty. <a href="/">Find something you like</a>.</p>'}`);
}

const STATES = ['California', 'Oregon', 'Washington', 'Nevada', 'Arizona', 'Colorado', 'New York', 'Texas'];

export function checkoutPage(ctx: PageContext): string {
  const c = ctx.customer;
  const subtotal = cartTotalCents(ctx.cart);
  const shipping = subtotal >= 10000 || subtotal === 0 ? 0 : 795;
  return layout(ctx, 'Checkout', `
<nav class="steps" aria-label="Checkout steps"><span class="done">Cart</span><span class="current">Details &amp; payment</span><span>Confirmation</span></nav>
<h1 class="page-title">Checkout</h1>
<div class="checkout">
  <form method="post" action="/checkout" class="checkout-form" id="checkout-form" autocomplete="on">
    <fieldset>
      <legend><span class="num">1</span> Contact</legend>
      <div class="row">
        <label>Email<input type="email" name="email" autocomplete="email" value="${c ? esc(c.email) : ''}" required></label>
        <label>Phone<input type="tel" name="phone" autocomplete="tel" value="${c ? esc(c.phone) : ''}"></label>
      </div>
    </fieldset>
    <fieldset>
      <legend><span class="num">2</span> Delivery address</legend>
      <label>Full name<input name="name" autocomplete="name" value="${c ? esc(c.name) : ''}" required></label>
      <label>Address<input name="address1" autocomplete="address-line1" placeholder="Street and number" required></label>
      <label>Apartment, suite (optional)<input name="address2" autocomplete="address-line2"></label>
      <div class="row three">
        <label>City<input name="city" autocomplete="address-level2" required></label>
        <label>State<select name="state" autocomplete="address-level1">${STATES.map((s) => `<option>${s}</option>`).join('')}</select></label>
        <label>ZIP<input name="zip" autocomplete="postal-code" inputmode="numeric" required></label>
      </div>
      <label class="note-field" data-tandem-unmask>Delivery note for the courier
        <textarea name="delivery-note" id="delivery-note" rows="3" placeholder="e.g. Leave it with the neighbour at number 12"></textarea>
        <small>Your agent can see what you write here and help you fill it in.</small>
      </label>
    </fieldset>
    <!-- Opted in: which speed the customer picks is no secret, and the agent can help choose. The
         state select above stays masked, as every field is by default. -->
    <fieldset data-tandem-unmask>
      <legend><span class="num">3</span> Delivery speed</legend>
      <label class="radio"><input type="radio" name="speed" value="standard" checked><span><b>Standard</b> 2–4 working days</span><i>Free</i></label>
      <label class="radio"><input type="radio" name="speed" value="express"><span><b>Express</b> next working day</span><i>$14.00</i></label>
    </fieldset>
    <fieldset>
      <legend><span class="num">4</span> Payment</legend>
      <p class="secure"><svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true"><rect x="4" y="10" width="16" height="11" rx="2" ` +
        `fill="currentColor"/><path d="M8 10V7a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" stroke-width="2.4"/></svg> Card details are encrypted and ` +
          `never shared with our support team.</p>
      <label>Card number<input name="cc-number" id="card-number" autocomplete="cc-number" inputmode="numeric" placeholder="1234 5678 9012 3456" ` +
        `maxlength="23" required></label>
      <div class="row three">
        <label>Expiry<input name="cc-exp" id="card-expiry" autocomplete="cc-exp" placeholder="MM / YY" maxlength="7" required></label>
        <label>CVC<input name="cc-csc" id="card-cvc" autocomplete="cc-csc" inputmode="numeric" placeholder="123" maxlength="4" required></label>
        <label>Name on card<input name="cc-name" autocomplete="cc-name" value="${c ? esc(c.name) : ''}"></label>
      </div>
    </fieldset>
    <fieldset>
      <legend><span class="num">5</span> ${c ? 'Confirm it is you' : 'Save your details (optional)'}</legend>
      <label>${c ? 'Account password' : 'Choose a password'}<input type="password" name="password" id="password" ` +
        `autocomplete="${c ? 'current-password' : 'new-password'}"></label>
      <label class="check"><input type="checkbox" name="news"> Send me trail reports and offers (about once a month)</label>
    </fieldset>
    <button class="btn btn-primary wide-btn" type="submit">Place order · ${price(subtotal + shipping)}</button>
    <p class="fine">By placing your order you agree to our terms. This is a demo: no order is placed and nothing you type is stored.</p>
  </form>
  <aside class="summary" aria-label="Order summary">
    <h2>Order summary</h2>
    ${ctx.cart.map((l) => `<div class="summary-line"><img src="/images/${l.product.slug}.svg" alt="" width="64" height="48">` +
      `<span>${esc(l.product.name)}<small>Qty ${l.quantity}</small></span><b>${price(l.product.priceCents * l.quantity)}</b></div>`).join('') || '<p ' +
        'class="muted">Your cart is empty.</p>'}
    <div class="summary-row"><span>Subtotal</span><span>${price(subtotal)}</span></div>
    <div class="summary-row"><span>Shipping</span><span>${shipping ? price(shipping) : 'Free'}</span></div>
    <div class="summary-row total"><span>Total</span><span>${price(subtotal + shipping)}</span></div>
  </aside>
</div>`);
}

export function orderPage(ctx: PageContext, orderId: string): string {
  return layout(ctx, 'Order placed', `
<div class="confirmation">
  <div class="check-mark" aria-hidden="true">✓</div>
  <h1>Thank you, your order is placed</h1>
  <p>Order <b>${esc(orderId)}</b>. A confirmation is on its way to your email. (Demo shop: nothing was charged or stored.)</p>
  <a class="btn btn-primary" href="/">Back to the shop</a>
</div>`);
}

export function signInPage(ctx: PageContext, customer: DemoCustomer, error: string | null, next: string): string {
  return layout(ctx, 'Sign in', `
<div class="signin">
  <h1>Sign in</h1>
  <p class="muted">Demo account: ${esc(customer.name)}. Any password works.</p>
  ${error ? `<p class="form-error" role="alert">${esc(error)}</p>` : ''}
  <form method="post" action="/signin" class="signin-form">
    <input type="hidden" name="next" value="${esc(next)}">
    <label>Email<input type="email" name="email" autocomplete="username" value="${esc(customer.email)}" required></label>
    <label>Password<input type="password" name="password" id="signin-password" autocomplete="current-password" required></label>
    <button class="btn btn-primary wide-btn" type="submit">Sign in</button>
  </form>
</div>`);
}

const FAQ: [string, string][] = [
  ['When will my order arrive?',
    'Standard delivery takes 2–4 working days within the contiguous US; express orders placed before 2 pm arrive the next working day. You get a tracking ' +
      'link by email as soon as the parcel leaves our warehouse in Portland.'],
  ['How do I return something?',
    'Start a return from your account page or with the form in your parcel. Returns are free within 60 days, used or not. Pack the item in any box, print ' +
      'the label we email you and drop it at any carrier point.'],
  ['My return label never arrived',
    'Labels are sent to the email on your order within ten minutes. Check your spam folder; if it is not there, call us and we can send it again while you ' +
      'are on the line.'],
  ['My card was declined',
    'Most declines come from a billing address that does not match the card, or from the bank\'s fraud check on a first online purchase. Check the ZIP code, ' +
      'or call us: we can look at the checkout with you, and never see your card number.'],
  ['Do you repair gear?',
    'Yes, for free, for as long as you own it. Tents, packs and jackets go to our repair shop in Portland; we pay the shipping both ways.'],
  ['Can I change or cancel an order?', 'Within one hour of placing it, from the confirmation email. After that, refuse the parcel or return it for free.'],
  ['Do you ship abroad?', 'We ship to Canada and Mexico. Duties are included at checkout, so there is nothing more to pay on delivery.'],
  ['What is screen sharing with an agent?',
    'When you are on the phone with us, an agent can ask to see this browser tab. Nothing is shared until you click Share, you see a bar at the bottom while ' +
      'it lasts, and passwords and card numbers are never shown to the agent. You can stop at any time.'],
  ['How do I look after a down sleeping bag?',
    'Store it loose in its cotton bag, not in the stuff sack. Wash it rarely, with a down wash, and tumble dry on low with two clean tennis balls.'],
  ['Which tent size should I choose?',
    'Our sizes are snug: pick the 3-person model for two people with big mats or a dog. The 2-person model fits two standard mats side by side.'],
];

export function helpPage(ctx: PageContext): string {
  return layout(ctx, 'Help', `
<h1 class="page-title">Help centre</h1>
<p class="lead">Answers to what people ask us most. Still stuck? Call 1-800-555-0199, 7 am–9 pm Pacific, every day.</p>
<div class="faq">${FAQ.map(([q, a]) => `<details open><summary>${esc(q)}</summary><p>${esc(a)}</p></details>`).join('')}</div>
<h2 class="section-title">Sizing guide</h2>
<table class="size-table"><thead><tr><th>Size</th><th>Chest (in)</th><th>Waist (in)</th><th>Hip (in)</th></tr></thead>
<tbody><tr><td>S</td><td>35–37</td><td>29–31</td><td>35–37</td></tr><tr><td>M</td><td>38–40</td><td>32–34</td><td>38–40</td></tr><tr><td>L</td><td>41–43</td>` +
  `<td>35–37</td><td>41–43</td></tr><tr><td>XL</td><td>44–46</td><td>38–40</td><td>44–46</td></tr></tbody></table>`);
}

export function messagePage(ctx: PageContext, title: string, text: string): string {
  return layout(ctx, title,
    `<div class="confirmation"><h1>${esc(title)}</h1><p>${esc(text)}</p><a class="btn btn-primary" href="/">Back to the shop</a></div>`);
}
