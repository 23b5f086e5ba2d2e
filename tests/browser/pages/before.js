// Runs before omotenashi.js: GA4 ecommerce pushed early must still count.
window.dataLayer = window.dataLayer || [];
window.dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: 'sku-bed', item_category: 'beds' }] } });
