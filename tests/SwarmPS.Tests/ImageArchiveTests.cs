using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SwarmPS.Engine.Images;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Reading image archives made here as docker save and OCI tools lay them out: real tars, real digests.</summary>
    public sealed class ImageArchiveTests : IDisposable
    {
        private readonly TemporaryDirectory folder = new TemporaryDirectory();

        public void Dispose() => folder.Dispose();

        [Fact]
        public void ReadsTheIdAndTagsOfAClassicDockerSaveArchive()
        {
            (string path, string configHex) = ClassicArchive("app.tar", new[] { "swarmps/app:1.0", "swarmps/app:latest" });

            ImageArchive archive = ImageArchive.Read(path);

            Assert.Equal("docker-save", archive.Format);
            Assert.False(archive.Compressed);
            Assert.Equal(new FileInfo(path).Length, archive.Length);
            ArchiveImage image = Assert.Single(archive.Images);
            Assert.Equal("sha256:" + configHex, image.Id);
            Assert.Equal(new[] { "swarmps/app:1.0", "swarmps/app:latest" }, image.RepoTags);
            Assert.Equal("swarmps/app:1.0", image.Reference);
        }

        [Fact]
        public void ReadsTheNewerLayoutWithBlobsAndBothManifestAndIndex()
        {
            byte[] layer = LayerTar();
            byte[] config = Config(layer);
            string layerHex = Hex(layer);
            string configHex = Hex(config);
            byte[] manifest = Json($"[{{\"Config\":\"blobs/sha256/{configHex}\",\"RepoTags\":[\"swarmps/new:2\"],\"Layers\":[\"blobs/sha256/{layerHex}\"]}}]");
            string path = Write("new.tar", new (string, byte[])[]
            {
                ("blobs/", Array.Empty<byte>()),
                ("blobs/sha256/" + layerHex, layer),
                ("blobs/sha256/" + configHex, config),
                ("index.json", Json("{\"schemaVersion\":2,\"manifests\":[]}")),
                ("manifest.json", manifest),
                ("oci-layout", Json("{\"imageLayoutVersion\":\"1.0.0\"}")),
            });

            ImageArchive archive = ImageArchive.Read(path);

            Assert.Equal("docker-save", archive.Format);
            Assert.Equal("sha256:" + configHex, Assert.Single(archive.Images).Id);
            Assert.Equal("swarmps/new:2", archive.Images[0].Reference);
        }

        [Fact]
        public void ReadsAnOciLayoutThroughItsIndexAndManifest()
        {
            byte[] layer = LayerTar();
            byte[] config = Config(layer);
            byte[] manifest = Json($"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:{Hex(config)}\",\"size\":{config.Length}}},\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:{Hex(layer)}\",\"size\":{layer.Length}}}]}}");
            byte[] index = Json($"{{\"schemaVersion\":2,\"manifests\":[{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:{Hex(manifest)}\",\"size\":{manifest.Length},\"annotations\":{{\"io.containerd.image.name\":\"docker.io/swarmps/oci:3\",\"org.opencontainers.image.ref.name\":\"3\"}}}}]}}");
            string path = Write("oci.tar", new (string, byte[])[]
            {
                ("oci-layout", Json("{\"imageLayoutVersion\":\"1.0.0\"}")),
                ("blobs/sha256/" + Hex(layer), layer),
                ("blobs/sha256/" + Hex(config), config),
                ("blobs/sha256/" + Hex(manifest), manifest),
                ("index.json", index),
            });

            ImageArchive archive = ImageArchive.Read(path);

            Assert.Equal("oci", archive.Format);
            ArchiveImage image = Assert.Single(archive.Images);
            Assert.Equal("sha256:" + Hex(config), image.Id);
            Assert.Equal(new[] { "docker.io/swarmps/oci:3" }, image.RepoTags);
        }

        [Fact]
        public void ReadsAGzipCompressedArchiveAndSendsItAsItIs()
        {
            (string plain, string configHex) = ClassicArchive("plain.tar", new[] { "swarmps/gz:1" });
            string compressed = Path.Combine(folder.Path, "app.tar.gz");
            using (FileStream output = File.Create(compressed))
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            using (FileStream input = File.OpenRead(plain))
            {
                input.CopyTo(gzip);
            }

            ImageArchive archive = ImageArchive.Read(compressed);

            Assert.True(archive.Compressed);
            Assert.Equal(new FileInfo(compressed).Length, archive.Length);
            Assert.Equal("sha256:" + configHex, Assert.Single(archive.Images).Id);
        }

        [Fact]
        public void ReadsEveryImageOfAMultiImageArchive()
        {
            byte[] layer = LayerTar();
            byte[] first = Config(layer, "one");
            byte[] second = Config(layer, "two");
            string layerName = Hex(layer) + "/layer.tar";
            byte[] manifest = Json($"[{{\"Config\":\"{Hex(first)}.json\",\"RepoTags\":[\"a:1\"],\"Layers\":[\"{layerName}\"]}},{{\"Config\":\"{Hex(second)}.json\",\"RepoTags\":null,\"Layers\":[\"{layerName}\"]}}]");
            string path = Write("two.tar", new (string, byte[])[]
            {
                (layerName, layer),
                (Hex(first) + ".json", first),
                (Hex(second) + ".json", second),
                ("manifest.json", manifest),
            });

            ImageArchive archive = ImageArchive.Read(path);

            Assert.Equal(new[] { "sha256:" + Hex(first), "sha256:" + Hex(second) }, archive.Images.Select(i => i.Id));
            Assert.Empty(archive.Images[1].RepoTags);
            Assert.Equal(Hex(second).Substring(0, 12), archive.Images[1].Reference);
        }

        [Fact]
        public void RefusesGarbageAsImageArchiveInvalid()
        {
            string path = Path.Combine(folder.Path, "garbage.tar");
            var bytes = new byte[10_000];
            new Random(7).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);

            SwarmException failure = Assert.Throws<SwarmException>(() => ImageArchive.Read(path));

            Assert.Equal("ImageArchiveInvalid", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidData, failure.Kind);
            Assert.Equal(path, failure.Target);
            Assert.Contains("docker save", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAnEmptyFile()
        {
            string path = Path.Combine(folder.Path, "empty.tar");
            File.WriteAllBytes(path, Array.Empty<byte>());

            Assert.Equal("ImageArchiveInvalid", Assert.Throws<SwarmException>(() => ImageArchive.Read(path)).ErrorId);
        }

        [Fact]
        public void RefusesATarThatHoldsNoImage()
        {
            string path = Write("files.tar", new (string, byte[])[] { ("etc/hosts", Encoding.ASCII.GetBytes("127.0.0.1 localhost\n")) });

            SwarmException failure = Assert.Throws<SwarmException>(() => ImageArchive.Read(path));

            Assert.Equal("ImageArchiveInvalid", failure.ErrorId);
            Assert.Contains("manifest.json", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(0.5)]
        [InlineData(0.9)]
        public void RefusesATruncatedArchive(double keep)
        {
            (string path, _) = ClassicArchive("whole.tar", new[] { "swarmps/cut:1" });
            byte[] whole = File.ReadAllBytes(path);
            string cut = Path.Combine(folder.Path, "cut.tar");
            File.WriteAllBytes(cut, whole.AsSpan(0, (int)(whole.Length * keep)).ToArray());

            Assert.Equal("ImageArchiveInvalid", Assert.Throws<SwarmException>(() => ImageArchive.Read(cut)).ErrorId);
        }

        [Fact]
        public void RefusesAnArchiveCutInsideALayerThatComesAfterTheManifest()
        {
            // Some tools write the manifest first; the cut then falls in a layer the manifest names.
            byte[] layer = LayerTar(200_000);
            byte[] config = Config(layer);
            string layerName = Hex(layer) + "/layer.tar";
            string path = Write("first.tar", new (string, byte[])[]
            {
                ("manifest.json", Json($"[{{\"Config\":\"{Hex(config)}.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"{layerName}\"]}}]")),
                (Hex(config) + ".json", config),
                (layerName, layer),
            });
            byte[] whole = File.ReadAllBytes(path);
            File.WriteAllBytes(path, whole.AsSpan(0, whole.Length - 100_000).ToArray());

            Assert.Equal("ImageArchiveInvalid", Assert.Throws<SwarmException>(() => ImageArchive.Read(path)).ErrorId);
        }

        [Fact]
        public void RefusesAManifestWhoseLayerIsMissing()
        {
            byte[] layer = LayerTar();
            byte[] config = Config(layer);
            string path = Write("missing.tar", new (string, byte[])[]
            {
                (Hex(config) + ".json", config),
                ("manifest.json", Json($"[{{\"Config\":\"{Hex(config)}.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"{Hex(layer)}/layer.tar\"]}}]")),
            });

            SwarmException failure = Assert.Throws<SwarmException>(() => ImageArchive.Read(path));

            Assert.Equal("ImageArchiveInvalid", failure.ErrorId);
            Assert.Contains("layer", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void SaysWhenTheFileDoesNotExist()
        {
            string path = Path.Combine(folder.Path, "nowhere.tar");

            SwarmException failure = Assert.Throws<SwarmException>(() => ImageArchive.Read(path));

            Assert.Equal("ImageArchiveNotFound", failure.ErrorId);
            Assert.Equal(SwarmErrorKind.ObjectNotFound, failure.Kind);
            Assert.Equal(path, failure.Target);
        }

        [Fact]
        public void StreamsTheArchiveAsItIsOnDisk()
        {
            (string path, _) = ClassicArchive("stream.tar", new[] { "swarmps/s:1" });
            ImageArchive archive = ImageArchive.Read(path);

            using Stream stream = archive.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);

            Assert.Equal(File.ReadAllBytes(path), copy.ToArray());
        }

        private (string Path, string ConfigHex) ClassicArchive(string name, string[] tags)
        {
            byte[] layer = LayerTar();
            byte[] config = Config(layer);
            string layerId = Hex(Encoding.ASCII.GetBytes("v1-" + Hex(layer)));
            string tagList = string.Join(",", tags.Select(t => $"\"{t}\""));
            string path = Write(name, new (string, byte[])[]
            {
                (layerId + "/", Array.Empty<byte>()),
                (layerId + "/VERSION", Encoding.ASCII.GetBytes("1.0")),
                (layerId + "/json", Json("{}")),
                (layerId + "/layer.tar", layer),
                (Hex(config) + ".json", config),
                ("manifest.json", Json($"[{{\"Config\":\"{Hex(config)}.json\",\"RepoTags\":[{tagList}],\"Layers\":[\"{layerId}/layer.tar\"]}}]")),
                ("repositories", Json("{}")),
            });
            return (path, Hex(config));
        }

        private string Write(string name, IEnumerable<(string Name, byte[] Data)> entries)
        {
            string path = Path.Combine(folder.Path, name);
            using FileStream file = File.Create(path);
            using var writer = new TarWriter(file, TarEntryFormat.Ustar);
            foreach ((string entryName, byte[] data) in entries)
            {
                var entry = new UstarTarEntry(entryName.EndsWith('/') ? TarEntryType.Directory : TarEntryType.RegularFile, entryName);
                if (!entryName.EndsWith('/'))
                {
                    entry.DataStream = new MemoryStream(data);
                }

                writer.WriteEntry(entry);
            }

            return path;
        }

        /// <summary>A layer: a tar of one file with random content.</summary>
        private static byte[] LayerTar(int size = 4096)
        {
            var content = new byte[size];
            new Random(size).NextBytes(content);
            using var output = new MemoryStream();
            using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "data.bin") { DataStream = new MemoryStream(content) });
            }

            return output.ToArray();
        }

        private static byte[] Config(byte[] layer, string note = "") =>
            Json($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Cmd\":[\"sh\"]}},\"comment\":\"{note}\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"sha256:{Hex(layer)}\"]}}}}");

        private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

        private static string Hex(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();
    }
}
