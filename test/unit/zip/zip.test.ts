import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../src/core/errors';
import { MemoryByteSource } from '../../../src/core/io/byteSource';
import {
  firstMemberName, MAX_CENTRAL_DIRECTORY_BYTES, MAX_DEFLATE_RATIO, MAX_ZIP_ENTRIES, MAX_ZIP_NAME_LENGTH, ZipArchive,
} from '../../../src/core/io/zip';
import { buildZip, type MemberSpec } from './buildZip';

const text = (s: string) => new TextEncoder().encode(s);
const open = (bytes: Uint8Array) => ZipArchive.open(new MemoryByteSource('test.zip', bytes), 'zip');

async function memberText(archive: ZipArchive, name: string): Promise<string> {
  const entry = archive.get(name);
  assert.ok(entry, `no member ${name}`);
  const member = await archive.openMember(entry);
  return new TextDecoder().decode(await member.read(0, member.size, 'zip'));
}

async function rejectsFormat(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof FormatError && pattern.test(e.message));
}

describe('zip', () => {
  const members: MemberSpec[] = [
    { name: 'a/first.txt', data: text('stored bytes') },
    { name: 'a/second.txt', data: text('deflated '.repeat(100)), deflate: true },
    { name: 'a/empty', data: new Uint8Array(0) },
  ];

  it('lists members and reads stored and deflated ones', async () => {
    const archive = await open(buildZip(members, { comment: 'a comment with PK\x05\x06 inside' }));
    assert.deepEqual(archive.entries.map((e) => e.name), ['a/first.txt', 'a/second.txt', 'a/empty']);
    assert.equal(await memberText(archive, 'a/first.txt'), 'stored bytes');
    assert.equal(await memberText(archive, 'a/second.txt'), 'deflated '.repeat(100));
    assert.equal(await memberText(archive, 'a/empty'), '');
  });

  it('reads ZIP64 extra fields and end records', async () => {
    const archive = await open(buildZip(members, { zip64: true }));
    assert.equal(archive.entries[1]!.uncompressedSize, 900);
    assert.equal(await memberText(archive, 'a/second.txt'), 'deflated '.repeat(100));
  });

  it('reads the ZIP64 archive Python zipfile writes', async () => {
    const bytes = new Uint8Array(readFileSync('test/fixtures/pytorch/zip64.pt'));
    const archive = await open(bytes);
    assert.deepEqual(archive.entries.map((e) => e.name), ['archive/data.pkl', 'archive/data/0', 'archive/data/1', 'archive/data/2', 'archive/version']);
    assert.equal(await memberText(archive, 'archive/version'), '3\n');
  });

  it('names the first member from the local header', () => {
    assert.equal(firstMemberName(buildZip(members)), 'a/first.txt');
    assert.equal(firstMemberName(text('not a zip at all, longer than thirty bytes')), undefined);
  });

  it('fails with FormatError at every truncation', async () => {
    for (const options of [{}, { zip64: true }]) {
      const bytes = buildZip(members, options);
      for (let len = 0; len < bytes.length; len++) {
        await assert.rejects(
          (async () => {
            const archive = await open(bytes.subarray(0, len));
            for (const e of archive.entries) {
              const m = await archive.openMember(e);
              await m.read(0, m.size, 'zip');
            }
          })(),
          (e: unknown) => e instanceof FormatError,
          `prefix ${len}`,
        );
      }
    }
  });

  it('refuses more members than MAX_ZIP_ENTRIES', async () => {
    await rejectsFormat(open(buildZip(members, { zip64: true, declaredCount: MAX_ZIP_ENTRIES + 1 })), /more than the limit/);
  });

  it('refuses a central directory larger than MAX_CENTRAL_DIRECTORY_BYTES', async () => {
    await rejectsFormat(open(buildZip(members, { zip64: true, declaredDirectorySize: MAX_CENTRAL_DIRECTORY_BYTES + 1 })), /central directory of 67108865 bytes exceeds the limit/);
  });

  it('refuses member names longer than MAX_ZIP_NAME_LENGTH', async () => {
    const long = 'n'.repeat(MAX_ZIP_NAME_LENGTH + 1);
    await rejectsFormat(open(buildZip([{ name: long, data: text('x') }])), /exceeds the limit/);
    await open(buildZip([{ name: 'n'.repeat(MAX_ZIP_NAME_LENGTH), data: text('x') }]));
  });

  it('refuses a declared size deflate cannot produce (zip bomb claim)', async () => {
    const data = new Uint8Array(10);
    const archive = await open(buildZip([{ name: 'bomb', data, deflate: true, declaredSize: 1e9 }]));
    await rejectsFormat(archive.openMember(archive.get('bomb')!), new RegExp(`more than deflate can produce`));
    assert.ok(MAX_DEFLATE_RATIO > 1000);
  });

  it('never inflates past the declared size', async () => {
    const data = new Uint8Array(100_000);
    const archive = await open(buildZip([{ name: 'm', data, deflate: true, declaredSize: 1000 }]));
    const member = await archive.openMember(archive.get('m')!);
    assert.equal(member.size, 1000);
    assert.equal((await member.read(0, 1000, 'zip')).length, 1000);
    await rejectsFormat(member.read(0, 1001, 'zip'), /inflates to 1000/);
  });

  it('reports a member that inflates to less than declared', async () => {
    const archive = await open(buildZip([{ name: 'm', data: new Uint8Array(10), deflate: true, declaredSize: 20 }]));
    const member = await archive.openMember(archive.get('m')!);
    await rejectsFormat(member.read(0, 20, 'zip'), /less than the declared/);
  });

  it('reports corrupt deflate data as a FormatError', async () => {
    const bytes = buildZip([{ name: 'm', data: text('hello hello hello hello'), deflate: true }]);
    const corrupt = bytes.slice();
    corrupt[30 + 1] = 0xff;
    corrupt[30 + 2] = 0xff;
    const archive = await open(corrupt);
    const member = await archive.openMember(archive.get('m')!);
    await rejectsFormat(member.read(0, member.size, 'zip'), /corrupt deflate data|less than the declared/);
  });

  it('refuses duplicate member names', async () => {
    await rejectsFormat(open(buildZip([{ name: 'x', data: text('1') }, { name: 'x', data: text('2') }])), /two members named 'x'/);
  });

  it('refuses encrypted members and unknown compression methods', async () => {
    const encrypted = buildZip([{ name: 'x', data: text('1') }]);
    const cd = encrypted.length - 22 - 46 - 1;
    const flagged = encrypted.slice();
    flagged[cd + 8] = 1;
    const archive = await open(flagged);
    await rejectsFormat(archive.openMember(archive.get('x')!), /encrypted/);
    const bzip = encrypted.slice();
    bzip[cd + 10] = 12;
    const other = await open(bzip);
    await rejectsFormat(other.openMember(other.get('x')!), /compression method 12/);
  });
});
