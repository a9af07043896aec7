using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Docker;

namespace SwarmPS.Engine.Images
{
    /// <summary>
    /// Puts an image archive onto one node's engine: finds which of its images the node lacks (by id, and every tag
    /// pointing at that id), streams the archive to POST /images/load with the bytes sent reported, and checks
    /// afterwards that the node has each image under each tag.
    /// </summary>
    public sealed class ImageCopier
    {
        /// <summary>The archive's images the node does not have, or has with a tag that names another image.</summary>
        public async Task<IReadOnlyList<ArchiveImage>> MissingAsync(IDockerEngine engine, ImageArchive archive, CancellationToken cancellationToken)
        {
            var missing = new List<ArchiveImage>();
            foreach (ArchiveImage image in archive.Images)
            {
                if (!await HasAsync(engine, image, cancellationToken).ConfigureAwait(false))
                {
                    missing.Add(image);
                }
            }

            return missing;
        }

        /// <summary>
        /// Loads the archive onto the node; returns one result per image of the archive (Changed for those in
        /// <paramref name="missing"/>). A transfer cut short is ImageCopyInterrupted: the engine registers nothing of an
        /// archive it did not receive whole.
        /// </summary>
        public async Task<IReadOnlyList<SwarmImageCopy>> LoadAsync(IDockerEngine engine, string node, ImageArchive archive, IReadOnlyList<ArchiveImage> missing, string source, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string what = string.Join(", ", archive.Images.Select(i => i.Reference));
            reporter.Verbose($"Sending {source} ({Size(archive.Length)}{(archive.Compressed ? ", gzip-compressed" : string.Empty)}) to the engine as docker load does (POST /images/load).");
            reporter.Progress($"Sending {what}: 0 of {Size(archive.Length)}", 0);
            using var stream = new ProgressStream(archive.Open(), sent =>
                reporter.Progress($"Sending {what}: {Size(sent)} of {Size(archive.Length)}", archive.Length == 0 ? 100 : (int)Math.Min(99, sent * 100 / archive.Length)));
            IReadOnlyList<string> said;
            try
            {
                said = await engine.LoadImageAsync(stream, archive.Length, cancellationToken).ConfigureAwait(false);
            }
            catch (SwarmException cut) when (cut.Kind == SwarmErrorKind.ConnectionError || cut.Kind == SwarmErrorKind.OperationTimeout)
            {
                throw new SwarmException("ImageCopyInterrupted", SwarmErrorKind.ConnectionError,
                    $"Copying {what} to {node} broke off after {Size(stream.BytesRead)} of {Size(archive.Length)}: {cut.Message} The engine unpacks the whole archive before it registers an image, so nothing of it was loaded on {node}. Run Copy-SwarmImage again once the node is reachable; the nodes that have the image are skipped.", node, cut);
            }

            foreach (string line in said)
            {
                reporter.Verbose(line);
            }

            reporter.Progress($"Checking {what}", 99);
            IReadOnlyList<ArchiveImage> absent = await MissingAsync(engine, archive, cancellationToken).ConfigureAwait(false);
            if (absent.Count > 0)
            {
                throw new SwarmException("ImageLoadFailed", SwarmErrorKind.InvalidOperation,
                    $"The engine on {node} took {source} but does not have {string.Join(", ", absent.Select(i => $"{i.Reference} ({i.Id})"))} afterwards. It said: {(said.Count == 0 ? "nothing" : string.Join(" / ", said))}. Check the node's engine log (journalctl -u docker).", node);
            }

            return archive.Images.Select(i => new SwarmImageCopy(node, i.Reference, i.Id, i.RepoTags, missing.Contains(i), stream.BytesRead, source)).ToList();
        }

        /// <summary>One result per image for a node that has them all.</summary>
        public static IReadOnlyList<SwarmImageCopy> Unchanged(string node, ImageArchive archive, string source) =>
            archive.Images.Select(i => new SwarmImageCopy(node, i.Reference, i.Id, i.RepoTags, false, 0, source)).ToList();

        /// <summary>Bytes in the units docker images uses (base 1000), one decimal.</summary>
        public static string Size(long bytes)
        {
            string[] units = { "B", "kB", "MB", "GB", "TB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1000 && unit < units.Length - 1)
            {
                value /= 1000;
                unit++;
            }

            return unit == 0 ? $"{bytes} B" : $"{value:0.#} {units[unit]}";
        }

        private static async Task<bool> HasAsync(IDockerEngine engine, ArchiveImage image, CancellationToken cancellationToken)
        {
            ImageInspectResponse? byId = await engine.InspectImageAsync(image.Id, cancellationToken).ConfigureAwait(false);
            if (byId == null || !string.Equals(byId.ID, image.Id, StringComparison.Ordinal))
            {
                return false;
            }

            foreach (string tag in image.RepoTags)
            {
                ImageInspectResponse? tagged = await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
                if (tagged == null || !string.Equals(tagged.ID, image.Id, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
