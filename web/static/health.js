// The placeholder page's one check: is the API up?
fetch('/api/v1/health').then((r) => r.json()).then((j) => {
  document.getElementById('health').textContent = j.status === 'ok' ? '服务状态：正常' : '服务状态：异常';
}).catch(() => { document.getElementById('health').textContent = '服务状态：无法连接'; });
