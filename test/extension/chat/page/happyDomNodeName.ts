/**
 * happy-dom gives every node subclass its own `nodeName` getter and leaves `Node.prototype`'s returning
 * ''. DOMPurify reads `nodeName` through that prototype getter (so a clobbered property cannot lie to
 * it); under happy-dom it would then see every tag as '' and drop or unwrap allowed ones. Browsers
 * answer correctly from `Node.prototype`, so the tests give happy-dom the same getter. Import this
 * before the first `renderMarkdown` call (DOMPurify looks the getter up when it is created).
 */
const NAMES: Record<number, string> = {
  3: '#text',
  4: '#cdata-section',
  8: '#comment',
  9: '#document',
  11: '#document-fragment',
};
const tagName = Object.getOwnPropertyDescriptor(Element.prototype, 'tagName')!.get!;

Object.defineProperty(Node.prototype, 'nodeName', {
  configurable: true,
  get(this: Node) {
    return this.nodeType === 1 ? tagName.call(this) : (NAMES[this.nodeType] ?? '');
  },
});
