export function App() {
  return (
    <main>
      <h1>SWR console</h1>
    </main>
  );
}
