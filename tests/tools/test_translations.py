"""Every translatable string of the window has a Chinese translation (issue 14).

Runs tools/update-translations into a temporary .ts (lupdate over app/gui and widgets, exactly as
the lead runs it) to learn which strings the sources hold today, then checks each against the
committed resources/translations/attnscope_zh_CN.ts: present, finished, non-empty (every plural
form), with the same %N placeholders, the same HTML tags and, when the source has a keyboard
accelerator (&F), one in the translation. The checker itself is tested on broken copies, so that
the real check is known to be able to fail.

Environment: LUPDATE, the lupdate to run (CTest passes Qt 6's).
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COMMITTED = os.path.join(ROOT, 'resources', 'translations', 'attnscope_zh_CN.ts')

PLACEHOLDER = re.compile(r'%L?n|%L?\d+')
TAG = re.compile(r'</?([a-zA-Z][a-zA-Z0-9]*)')
ACCELERATOR = re.compile(r'&[^&\s]')


def read_ts(path):
    """{(context, source, comment): (numerus, type, [translation texts])} of a .ts file."""
    messages = {}
    for context in ET.parse(path).getroot().iter('context'):
        name = context.findtext('name')
        for m in context.iter('message'):
            key = (name, m.findtext('source') or '', m.findtext('comment') or '')
            t = m.find('translation')
            forms = [f.text or '' for f in t.iter('numerusform')] if m.get('numerus') == 'yes' else [t.text or '']
            messages[key] = (m.get('numerus') == 'yes', t.get('type', ''), forms)
    return messages


def problems(current, committed):
    """What is wrong with `committed` for the strings of `current`: one line per message."""
    out = []
    for key, (numerus, _, _) in sorted(current.items()):
        context, source, _ = key
        where = '%s: "%s"' % (context, source[:80])
        if key not in committed:
            out.append('%s: not in the .ts (run tools/update-translations and translate it)' % where)
            continue
        _, kind, forms = committed[key]
        if kind in ('unfinished', 'vanished', 'obsolete'):
            out.append('%s: %s' % (where, kind))
            continue
        if not forms or any(not f.strip() for f in forms):
            out.append('%s: empty translation' % where)
            continue
        want = sorted(PLACEHOLDER.findall(source))
        for f in forms:
            got = sorted(PLACEHOLDER.findall(f))
            # A plural form may leave out %n (一个); it must bring no other placeholder.
            if got != want and not (numerus and sorted(set(want) - {'%n', '%Ln'}) == sorted(set(got) - {'%n', '%Ln'})):
                out.append('%s: placeholders %s, translation "%s" has %s' % (where, want, f[:80], got))
            if sorted(TAG.findall(f)) != sorted(TAG.findall(source)):
                out.append('%s: HTML tags differ in "%s"' % (where, f[:80]))
            if ACCELERATOR.search(source.replace('&&', '')) and not ACCELERATOR.search(f.replace('&&', '')):
                out.append('%s: the accelerator is lost in "%s"' % (where, f[:80]))
    return out


class Translations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='attnscope-ts-')
        fresh = os.path.join(cls.tmp, 'fresh_zh_CN.ts')
        env = dict(os.environ)
        subprocess.run([os.path.join(ROOT, 'tools', 'update-translations'), fresh], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        cls.current = read_ts(fresh)
        cls.committed = read_ts(COMMITTED)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_sources_have_strings(self):
        # lupdate found the window's strings (a wrong folder would make every other check vacuous).
        self.assertGreater(len(self.current), 400)
        self.assertIn(('attnscope::MainWindow', '&File', ''), self.current)
        self.assertIn(('attnscope::StageStepper', 'Softmax weights', ''), self.current)

    def test_every_string_is_translated(self):
        found = problems(self.current, self.committed)
        self.assertEqual(found, [], '\n' + '\n'.join(found))

    def test_known_translations(self):
        self.assertEqual(self.committed[('attnscope::MainWindow', '&File', '')][2], ['文件(&F)'])
        self.assertEqual(self.committed[('attnscope::StageStepper', 'Softmax weights', '')][2], ['Softmax 权重'])

    def test_committed_ts_is_not_stale(self):
        # Strings no source has any more: harmless, but a sign that the .ts was not regenerated.
        stale = sorted(set(self.committed) - set(self.current))
        self.assertEqual(stale, [], 'in the .ts but in no source (run tools/update-translations): %s' % stale[:5])

    # ---- the checker can fail ----
    def broken(self, edit):
        copy = {k: (n, t, list(f)) for k, (n, t, f) in self.committed.items()}
        edit(copy)
        before = set(problems(self.current, self.committed))  # these tests hold however the .ts is
        return [p for p in problems(self.current, copy) if p not in before]

    def test_checker_finds_a_missing_translation(self):
        key = ('attnscope::MainWindow', '&File', '')
        found = self.broken(lambda c: c.pop(key))
        self.assertEqual(len(found), 1)
        self.assertIn('not in the .ts', found[0])

    def test_checker_finds_an_unfinished_or_empty_translation(self):
        key = ('attnscope::StageStepper', 'Softmax weights', '')
        self.assertIn('unfinished', self.broken(lambda c: c.__setitem__(key, (False, 'unfinished', ['x'])))[0])
        self.assertIn('empty', self.broken(lambda c: c.__setitem__(key, (False, '', [' '])))[0])

    def test_checker_finds_placeholders_tags_and_accelerators(self):
        key = ('attnscope::MainWindow', 'The session %1 has unsaved changes. Save them?', '')
        self.assertIn('placeholders', self.broken(lambda c: c.__setitem__(key, (False, '', ['会话有未保存的更改。'])))[0])
        key = ('attnscope::DetailPanel', '<p><b>o = %1</b></p>', '')
        self.assertIn('HTML tags', self.broken(lambda c: c.__setitem__(key, (False, '', ['<p>o = %1</p>'])))[0])
        key = ('attnscope::MainWindow', '&File', '')
        self.assertIn('accelerator', self.broken(lambda c: c.__setitem__(key, (False, '', ['文件'])))[0])


if __name__ == '__main__':
    unittest.main()
