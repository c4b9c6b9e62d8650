import { defineConfig, type Plugin } from 'vite';

/**
 * Paths of Preact 11.2.0's dist/preact.mjs that the widget never takes, cut from the bundle. Each cut is an exact
 * string: if a Preact update changes one, the build stops and names it, so nothing is cut by accident.
 */
const PREACT_CUTS: [why: string, from: string, to: string][] = [
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
];

function trimPreact(): Plugin {
  return {
    name: 'trim-preact',
    transform(code, id) {
      if (!/preact[\\/]dist[\\/]preact\.mjs$/.test(id)) return null;
      for (const [why, from, to] of PREACT_CUTS) {
        if (code.split(from).length != 2)
          throw new Error(`Preact changed; update PREACT_CUTS in vite.config.ts: ${why}`);
        code = code.replace(from, to);
      }
      return { code, map: null };
    },
  };
}

// One self-contained IIFE: the host page loads a single file with no chunks, no CSS file and no eval.
export default defineConfig({
  plugins: [trimPreact()],
  // development: false, or a test run (NODE_ENV=test) would build jsxDEV calls carrying source file paths.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    copyPublicDir: false,
    lib: { entry: 'widget/main.ts', formats: ['iife'], name: 'BeratenLassenWidget', fileName: () => 'widget.js' },
    rolldownOptions: { output: { codeSplitting: false } },
  },
});
