import type { Plugin } from 'vite';

/**
 * Paths of Preact 11.2.0's dist/preact.mjs that the widget never takes, cut from the bundle. Each cut is an exact
 * string: if a Preact update changes one, the build stops and names it, so nothing is cut by accident.
 */
export const PREACT_CUTS: [why: string, from: string, to: string][] = [
  [
    'dangerouslySetInnerHTML: no HTML sink ships at all; the prop is swallowed instead of applied',
    'h?(l||y&&(h.__html==y.__html||h.__html==t.innerHTML)||(t.innerHTML=h.__html),r.__k=[]):',
    '',
  ],
  [
    'resuming a suspended hydration (the widget renders into empty shadow roots and never hydrates)',
    '128&u.__u&&(c=32&u.__u,s=u.__c.__z)&&(r.__u|=c,p=o=[],8==s.nodeType?l=B(s,o):o.push(s),l=o[0]||l),',
    '',
  ],
  [
    'suspending while hydrating (no hydration, no thrown promises)',
    'c||o)if(t&&t.then){if(r.__u|=128|c,o){for(~(T=o.indexOf(l||void 0))||(T=o.length);(N=o[T-1])&&8==N.nodeType;)T--;for(;T<o.length;T++)if(N=o[T])if(o[T]=null,O){if(N==P)break}else{if(8!=N.nodeType)break;N.data.startsWith("$s")&&(P=B(O=N))}}if(!O){for(;l&&8==l.nodeType&&l.nextSibling;)l=l.nextSibling;O=l}(s=B(O=r.__c.__z||(r.__c.__z=O)))?(r.__e=O,l=s):r.__e=l,l=l&&l.nextSibling}else o&&o.some(g);else',
    '0);else',
  ],
  [
    'unmounting a suspended hydration boundary',
    '!u&&(i=t.__c)&&(i=i.__z)&&(f=B(i,o=[]))&&(i==t.__e&&o.some(g),g(f),g(i)),',
    '',
  ],
  [
    'error boundaries: the widget has none; an error goes on to safe(), which warns',
    '__e:function(n,t,r,u){for(var i,o,e;t=t.__;)if((i=t.__c)&&!(1&i.__g)){i.__g|=4;try{if((e=(o=i.constructor)&&o.getDerivedStateFromError)&&i.setState(o.getDerivedStateFromError(n)),i.componentDidCatch&&(i.componentDidCatch(n,u||{}),e=1),e&&8&i.__g)return void(i.__g|=2)}catch(t){n=t}}throw f=0,n}',
    '__e:function(n){throw f=0,n}',
  ],
  [
    'setState and forceUpdate: every render comes from a store through render(), never from component state',
    'x.prototype.setState=function(n,t){var r=this.__s;r&&r!=this.state||(r=this.__s=_({},this.state)),"function"==typeof n&&(n=n(_({},r),this.props)),n&&(_(r,n),this.__v&&(t&&this.__k.push(t),L(this)))},x.prototype.forceUpdate=function(n){this.__v&&(this.__g|=4,n&&this.__h.push(n),L(this))},',
    '',
  ],
  [
    'style objects: the widget sets no inline style through Preact (host.ts styles its hosts with !important)',
    'if("style"==t)if("string"==typeof r)n.style.cssText=r;else{if("string"==typeof u&&(n.style.cssText=u=""),u)for(t in u)r&&t in r||T(n.style,t);if(r)for(t in r)u&&r[t]==u[t]||T(n.style,t,r[t])}else if',
    'if',
  ],
  [
    'context: the widget passes its store as a prop and never calls createContext',
    'j=(s=V.contextType)&&i[s.__c],L=s?j?j.props.value:s.__:i,',
    'L=i,',
  ],
  ['context subscription', 'j&&j.sub(d),', ''],
  [
    'getDerivedStateFromProps: no component keeps state',
    'C&&(d.__s||(d.__s=d.state),V.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=_({},d.__s)),_(d.__s,V.getDerivedStateFromProps(M,d.__s)))),',
    'C&&(d.__s||(d.__s=d.state)),',
  ],
  [
    'componentWillReceiveProps and shouldComponentUpdate: the one class component (Dialog) has neither',
    'M!==k&&C&&!V.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps(M,L),r.__v==u.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&!1===d.shouldComponentUpdate(M,d.__s,L)',
    'r.__v==u.__v&&!(8&d.__g)',
  ],
  [
    'componentWillUpdate, componentDidUpdate, componentWillMount, componentDidMount: Dialog has none of them',
    'd.componentWillUpdate&&d.componentWillUpdate(M,d.__s,L),C&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate(k,b,m)})}else C&&!V.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),C&&d.componentDidMount&&d.__h.push(d.componentDidMount);',
    '}',
  ],
  [
    'getChildContext and getSnapshotBeforeUpdate',
    'd.getChildContext&&(i=_({},i,d.getChildContext())),C&&u.__c&&d.getSnapshotBeforeUpdate&&(m=d.getSnapshotBeforeUpdate(k,b)),',
    '',
  ],
  [
    'SVG and MathML namespaces: the widget renders HTML only',
    '"svg"==C?f="http://www.w3.org/2000/svg":"math"==C?f="http://www.w3.org/1998/Math/MathML":f||(f="http://www.w3.org/1999/xhtml")',
    'f="http://www.w3.org/1999/xhtml"',
  ],
  [
    'MathML and foreignObject children',
    '("foreignObject"==C||"http://www.w3.org/1998/Math/MathML"==f&&v.test(C))&&(f="http://www.w3.org/1999/xhtml"),',
    '',
  ],
  [
    'SVG attribute names',
    'if("http://www.w3.org/2000/svg"==i)t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(',
    'if(',
  ],
  [
    'reusing existing DOM nodes (hydration, replaceNode): every shadow root starts empty',
    'f="http://www.w3.org/1999/xhtml",o)for(s=0;s<o.length;s++)if((k=o[s])&&(C?k.localName==C:3==k.nodeType)){t=k,o[s]=null;break}',
    'f="http://www.w3.org/1999/xhtml");',
  ],
  [
    'reading attributes of existing DOM, and <template> content: the same; the widget has no <template>',
    'if(a="template"==C&&t.content||t,o="textarea"==C&&null!=x.defaultValue?null:o&&d.call(a.childNodes),!l&&o)for($={},s=0;s<t.attributes.length;s++)$[(k=t.attributes[s]).name]=k.value;',
    'a=t,o=null;',
  ],
];

/** Applies PREACT_CUTS to Preact's bundle file; any cut that does not match exactly once stops the build. */
export function trimPreact(): Plugin {
  return {
    name: 'trim-preact',
    transform(code, id) {
      if (!/preact[\\/]dist[\\/]preact\.mjs$/.test(id)) return null;
      for (const [why, from, to] of PREACT_CUTS) {
        if (code.split(from).length != 2)
          throw new Error(`Preact changed; update PREACT_CUTS in widget/build/trim-preact.ts: ${why}`);
        code = code.replace(from, () => to);
      }
      return { code, map: null };
    },
  };
}
