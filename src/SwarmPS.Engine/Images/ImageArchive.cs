using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;

namespace SwarmPS.Engine.Images
{
    /// <summary>One image an archive holds: its id (the digest of its config) and the tags docker load gives it.</summary>
    public sealed class ArchiveImage
    {
        public ArchiveImage(string id, IReadOnlyList<string> repoTags)
        {
            Id = id;
            RepoTags = repoTags;
        }

        /// <summary>sha256:… as docker images --no-trunc shows it.</summary>
        public string Id { get; }

        public IReadOnlyList<string> RepoTags { get; }

        /// <summary>The first tag, or the short id of an untagged image.</summary>
        public string Reference => RepoTags.Count > 0 ? RepoTags[0] : Id.Replace("sha256:", string.Empty, StringComparison.Ordinal).Substring(0, 12);
    }

    /// <summary>
    /// An image archive as docker save writes it (manifest.json, and since Docker 25 also an OCI index.json), or a
    /// plain OCI image layout (index.json only), optionally gzip-compressed. Read by walking the tar's headers: only
    /// the small JSON files are read into memory, layers are skipped (seeked over in a plain tar), so a
    /// multi-gigabyte archive costs a few kilobytes to inspect. Every file the manifest names must be in the tar,
    /// so a truncated archive is refused here, before anything is sent to a node.
    /// </summary>
    public sealed class ImageArchive
    {
        /// <summary>The most a metadata file (manifest, index, config) may hold; a larger one is not image metadata.</summary>
        private const long MetadataLimit = 4 * 1024 * 1024;

        private ImageArchive(string path, long length, bool compressed, string format, IReadOnlyList<ArchiveImage> images)
        {
            Path = path;
            Length = length;
            Compressed = compressed;
            Format = format;
            Images = images;
        }

        /// <summary>The archive's full path.</summary>
        public string Path { get; }

        /// <summary>Its size on disk: the bytes sent to each node (docker load takes a gzip-compressed archive as it is).</summary>
        public long Length { get; }

        public bool Compressed { get; }

        /// <summary>docker-save (with manifest.json) or oci (index.json only).</summary>
        public string Format { get; }

        public IReadOnlyList<ArchiveImage> Images { get; }

        /// <summary>Reads the archive's image list; ImageArchiveNotFound or ImageArchiveInvalid when it cannot.</summary>
        public static ImageArchive Read(string path)
        {
            if (Directory.Exists(path))
            {
                throw new SwarmException("ImageArchiveNotFound", SwarmErrorKind.ObjectNotFound,
                    $"'{path}' is a directory. Give the tar file docker save wrote (docker save -o image.tar name:tag).", path);
            }

            if (!File.Exists(path))
            {
                throw new SwarmException("ImageArchiveNotFound", SwarmErrorKind.ObjectNotFound,
                    $"The image archive '{path}' does not exist. Give the path of a tar file written by docker save (docker save -o image.tar name:tag).", path);
            }

            long length = new FileInfo(path).Length;
            bool compressed = IsGzip(path);
            try
            {
                return Parse(path, length, compressed);
            }
            catch (SwarmException)
            {
                throw;
            }
            catch (Exception unreadable) when (unreadable is InvalidDataException || unreadable is EndOfStreamException || unreadable is FormatException
                || unreadable is JsonException || unreadable is ArgumentException || unreadable is InvalidOperationException || unreadable is KeyNotFoundException)
            {
                throw Invalid(path, $"it is not a readable tar archive ({unreadable.Message})", unreadable);
            }
            catch (IOException io)
            {
                throw new SwarmException("ImageArchiveUnreadable", SwarmErrorKind.ResourceUnavailable,
                    $"The image archive '{path}' could not be read: {io.Message}", path, io);
            }
            catch (UnauthorizedAccessException denied)
            {
                throw new SwarmException("ImageArchiveUnreadable", SwarmErrorKind.PermissionDenied,
                    $"The image archive '{path}' could not be read: {denied.Message}", path, denied);
            }
        }

        /// <summary>Opens the archive's bytes as they are to be sent: read sequentially, never all in memory.</summary>
        public Stream Open() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

        private static ImageArchive Parse(string path, long length, bool compressed)
        {
            // First pass: every entry's name, and the top-level metadata files' content.
            var names = new HashSet<string>(StringComparer.Ordinal);
            var metadata = Scan(path, compressed, name => name == "manifest.json" || name == "index.json", names);
            if (names.Count == 0)
            {
                throw Invalid(path, "it holds no files");
            }

            if (metadata.TryGetValue("manifest.json", out byte[]? manifest))
            {
                return new ImageArchive(path, length, compressed, "docker-save", FromDockerManifest(path, manifest, names));
            }

            if (metadata.TryGetValue("index.json", out byte[]? index))
            {
                return new ImageArchive(path, length, compressed, "oci", FromOciIndex(path, compressed, index, names));
            }

            throw Invalid(path, "it has neither manifest.json (docker save) nor index.json (OCI image layout) at its top level");
        }

        private static List<ArchiveImage> FromDockerManifest(string path, byte[] manifest, HashSet<string> names)
        {
            using JsonDocument document = JsonDocument.Parse(manifest);
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                throw Invalid(path, "its manifest.json lists no images");
            }

            var images = new List<ArchiveImage>();
            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                string config = StringOf(item, "Config") ?? throw Invalid(path, "an entry of its manifest.json has no Config");
                RequirePresent(path, names, config, "the image config");
                foreach (JsonElement layer in item.TryGetProperty("Layers", out JsonElement layers) && layers.ValueKind == JsonValueKind.Array ? layers.EnumerateArray() : Enumerable.Empty<JsonElement>())
                {
                    RequirePresent(path, names, layer.GetString() ?? string.Empty, "a layer");
                }

                // The image id is the digest of the config: its file is <hex>.json (Docker before 25) or blobs/sha256/<hex>.
                string hex = System.IO.Path.GetFileName(config);
                hex = hex.EndsWith(".json", StringComparison.Ordinal) ? hex.Substring(0, hex.Length - 5) : hex;
                if (!IsDigestHex(hex))
                {
                    throw Invalid(path, $"its manifest.json names config '{config}', which is not named by its sha256 digest");
                }

                images.Add(new ArchiveImage("sha256:" + hex, TagsOf(item)));
            }

            return images;
        }

        private static List<ArchiveImage> FromOciIndex(string path, bool compressed, byte[] index, HashSet<string> names)
        {
            // index.json → image manifests (possibly through a nested index) → their config digests.
            var pending = new List<(string Digest, IReadOnlyList<string> Tags)>();
            CollectManifests(path, index, Array.Empty<string>(), pending);
            var images = new List<ArchiveImage>();
            for (int depth = 0; pending.Count > 0 && depth < 4; depth++)
            {
                var blobs = pending.ToDictionary(p => BlobPath(path, p.Digest), p => p, StringComparer.Ordinal);
                foreach (string blob in blobs.Keys)
                {
                    RequirePresent(path, names, blob, "a manifest");
                }

                Dictionary<string, byte[]> read = Scan(path, compressed, blobs.ContainsKey, null);
                pending = new List<(string, IReadOnlyList<string>)>();
                foreach (KeyValuePair<string, (string Digest, IReadOnlyList<string> Tags)> blob in blobs)
                {
                    using JsonDocument document = JsonDocument.Parse(read[blob.Key]);
                    JsonElement root = document.RootElement;
                    if (root.TryGetProperty("manifests", out _))
                    {
                        CollectManifests(path, read[blob.Key], blob.Value.Tags, pending);
                        continue;
                    }

                    string configDigest = root.TryGetProperty("config", out JsonElement config) ? StringOf(config, "digest") ?? string.Empty : string.Empty;
                    RequirePresent(path, names, BlobPath(path, configDigest), "the image config");
                    if (root.TryGetProperty("layers", out JsonElement layers) && layers.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement layer in layers.EnumerateArray())
                        {
                            RequirePresent(path, names, BlobPath(path, StringOf(layer, "digest") ?? string.Empty), "a layer");
                        }
                    }

                    images.Add(new ArchiveImage(configDigest, blob.Value.Tags));
                }
            }

            if (images.Count == 0)
            {
                throw Invalid(path, "its index.json leads to no image manifest");
            }

            return images;
        }

        private static void CollectManifests(string path, byte[] index, IReadOnlyList<string> inherited, List<(string, IReadOnlyList<string>)> into)
        {
            using JsonDocument document = JsonDocument.Parse(index);
            if (!document.RootElement.TryGetProperty("manifests", out JsonElement manifests) || manifests.ValueKind != JsonValueKind.Array || manifests.GetArrayLength() == 0)
            {
                throw Invalid(path, "its index.json lists no manifests");
            }

            foreach (JsonElement manifest in manifests.EnumerateArray())
            {
                string digest = StringOf(manifest, "digest") ?? throw Invalid(path, "an entry of its index.json has no digest");
                var tags = new List<string>(inherited);
                if (manifest.TryGetProperty("annotations", out JsonElement annotations) && annotations.ValueKind == JsonValueKind.Object)
                {
                    // containerd and Docker 25+ write the full name; a bare OCI layout has only the tag.
                    string? name = StringOf(annotations, "io.containerd.image.name") ?? StringOf(annotations, "org.opencontainers.image.ref.name");
                    if (!string.IsNullOrEmpty(name) && name.Contains(':', StringComparison.Ordinal) && !tags.Contains(name))
                    {
                        tags.Add(name);
                    }
                }

                into.Add((digest, tags));
            }
        }

        /// <summary>
        /// Walks the tar once. Entries whose name <paramref name="want"/> accepts are read (up to the metadata limit);
        /// the others are skipped without being kept. <paramref name="names"/>, when given, collects every entry's name.
        /// </summary>
        private static Dictionary<string, byte[]> Scan(string path, bool compressed, Func<string, bool> want, HashSet<string>? names)
        {
            var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            using FileStream file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using Stream source = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new TarReader(source, leaveOpen: true);
            TarEntry? entry;
            while ((entry = reader.GetNextEntry(copyData: false)) != null)
            {
                string name = Normalize(entry.Name);
                names?.Add(name);
                if (entry.EntryType is TarEntryType.Directory || !want(name))
                {
                    continue;
                }

                if (entry.Length > MetadataLimit)
                {
                    throw Invalid(path, $"its {name} is {entry.Length} bytes, too large for image metadata");
                }

                using var copy = new MemoryStream((int)entry.Length);
                entry.DataStream?.CopyTo(copy);
                if (copy.Length != entry.Length)
                {
                    throw Invalid(path, $"it ends inside {name} (truncated)");
                }

                found[name] = copy.ToArray();
            }

            // A plain tar's skipped entries are seeked over, and a seek past the end does not fail: check where it ended.
            if (!compressed && file.Position > file.Length)
            {
                throw Invalid(path, "it ends inside its last file (truncated)");
            }

            return found;
        }

        private static void RequirePresent(string path, HashSet<string> names, string file, string what)
        {
            if (!names.Contains(Normalize(file)))
            {
                throw Invalid(path, $"{what} it names, '{file}', is not in it (a truncated or incomplete archive)");
            }
        }

        private static string BlobPath(string path, string digest)
        {
            int colon = digest.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsDigestHex(digest.Substring(colon + 1)))
            {
                throw Invalid(path, $"it names a blob by '{digest}', which is not a sha256 digest");
            }

            return $"blobs/{digest.Substring(0, colon)}/{digest.Substring(colon + 1)}";
        }

        private static IReadOnlyList<string> TagsOf(JsonElement item) =>
            item.TryGetProperty("RepoTags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Array
                ? tags.EnumerateArray().Select(t => t.GetString()).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList()
                : new List<string>();

        private static string? StringOf(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static bool IsDigestHex(string hex) => hex.Length == 64 && hex.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));

        private static string Normalize(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name.Substring(2) : name;

        private static bool IsGzip(string path)
        {
            using FileStream file = File.OpenRead(path);
            return file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        }

        private static SwarmException Invalid(string path, string why, Exception? inner = null) =>
            new SwarmException("ImageArchiveInvalid", SwarmErrorKind.InvalidData,
                $"'{path}' is not an image archive: {why}. Give a tar file written by docker save (docker save -o image.tar name:tag), as it is or gzip-compressed. Nothing was sent to any node.", path, inner);
    }
}
