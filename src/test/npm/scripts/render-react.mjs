// Renders a component with hooks using the bundled react and react-dom/client (resolved through
// the loader): hooks only work when react-dom and the component share one React instance.
import './dom-globals.mjs';

const React = await import('react');
const { jsx } = await import('react/jsx-runtime');
const { createRoot } = await import('react-dom/client');

function Counter() {
  const [count, setCount] = React.useState(0);
  React.useEffect(() => {
    if (count < 3) setCount(count + 1);
  }, [count]);
  return jsx('p', { id: 'out', children: 'count ' + count });
}

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
const root = createRoot(document.getElementById('root'));
await React.act(async () => root.render(jsx(Counter, {})));
// exit explicitly (timers of the libraries would keep Node alive), once stdout is flushed
process.stdout.write(document.getElementById('root').innerHTML, () => process.exit(0));
