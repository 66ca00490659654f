// Renders a component with preact/hooks and preact (both bundled): hooks need the same preact.
import './dom-globals.mjs';

const { h, render } = await import('preact');
const { useState, useEffect } = await import('preact/hooks');

function Counter() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (count < 3) setCount(count + 1);
  }, [count]);
  return h('p', null, 'count ' + count);
}

render(h(Counter, null), document.getElementById('root'));
await new Promise((resolve) => setTimeout(resolve, 200));
// exit explicitly (timers of the libraries would keep Node alive), once stdout is flushed
process.stdout.write(document.getElementById('root').innerHTML, () => process.exit(0));
