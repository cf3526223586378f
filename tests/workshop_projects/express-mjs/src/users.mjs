import { Router } from 'express';

const router = Router({ caseSensitive: true, strict: true });

router.route('/')
  .get((req, res) => {
    res.send('Hello, World!');
  })
  .all((req, res) => {
    res.set('Allow', 'GET, HEAD, OPTIONS').status(405).json({ error: 'Method Not Allowed' });
  });

router.get('/users/:id', (req, res, next) => {
  if (!/^\d+$/.test(req.params.id)) return next('route');
  res.json({ route: 'GET /users/{id:int}', params: { id: Number(req.params.id) } });
});

router.post('/users', (req, res) => {
  res.status(201).json({ created: true });
});

export default router;
