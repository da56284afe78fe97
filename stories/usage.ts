/** Usage snippets for the docs page of each element: plain HTML, React and Vue, as tested in examples/. */
export function usage(tag: string, attrs: string, reactName: string, reactProps: string, vueEvents: string): string {
  return [
    '**HTML** (the CDN build defines every tag):',
    '```html',
    '<script type="module" src="https://YOUR-HOST/proctor-elements/dist/cdn/proctor-elements.js"></script>',
    `<${tag} ${attrs}></${tag}>`,
    '```',
    '**React** (`proctor-elements/react`: typed props, `on…` event props):',
    '```tsx',
    `import { ${reactName} } from 'proctor-elements/react';`,
    `<${reactName} ${reactProps} />`,
    '```',
    "**Vue 3** (`compilerOptions.isCustomElement = (tag) => tag.startsWith('ap-')`; types: `import type {} from 'proctor-elements/vue'`):",
    '```html',
    `<${tag} ${attrs}${vueEvents ? ` ${vueEvents}` : ''}></${tag}>`,
    '```',
  ].join('\n');
}
