package io.ramshift.engine.transfer;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.ImageStamp;
import io.ramshift.layout.FreePageBitmapDescriptor;
import io.ramshift.layout.ResumeDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;

/**
 * Sender side of a resumable session, shared by its streams: the source identity offered, and — once stream 0
 * read the receiver's answer — the durable pages to skip, merged with the free-page report into the bitmap the
 * scanners skip (durable pages are never sent, but each stream adds their source hashes to its digest).
 */
final class ResumePlan
{
    private final long identity;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile int status = -1;
    private volatile long[] durable;
    private volatile FreePageBitmap scanBitmap;
    private volatile RuntimeException failure;

    ResumePlan(final long identity)
    {
        this.identity = identity;
    }

    /**
     * @param stamp     the source file's identity (size, times, inode).
     * @param pageCount pages of the image.
     * @return the 64-bit identity a journal records (never 0).
     */
    static long identityOf(final ImageStamp stamp, final long pageCount)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(40, 64));
        buffer.putLong(0, stamp.size(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(8, stamp.mtimeNanos(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(16, stamp.ctimeNanos(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(24, stamp.inode(), ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(32, pageCount, ByteOrder.LITTLE_ENDIAN);
        final long hash = ImageDigest.bytesHash(buffer.addressOffset(), 40);
        return hash == 0 ? 1 : hash;
    }

    long identity()
    {
        return identity;
    }

    /**
     * Stream 0 read the answer.
     *
     * @param answer    the receiver's map (or refusal).
     * @param free      the free-page report, or null.
     * @param pageCount pages of the image.
     */
    void answer(final ResumeExchange.Answer answer, final FreePageBitmap free, final long pageCount)
    {
        status = answer.status();
        final long[] words = answer.words();
        long count = 0;
        if (words != null)
        {
            for (final long word : words)
            {
                count += Long.bitCount(word);
            }
        }
        if (count > 0)
        {
            final int length = (int)FreePageBitmapDescriptor.lengthForPages(pageCount);
            final UnsafeBuffer merged = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, length), 64),
                0, length);
            for (int w = 0; w < words.length; w++)
            {
                merged.putLong(w * 8, words[w] | (free == null ? 0 : free.word(w)), ByteOrder.LITTLE_ENDIAN);
            }
            durable = words;
            scanBitmap = FreePageBitmap.wrap(merged, pageCount);
        }
        else
        {
            scanBitmap = free;
        }
        ready.countDown();
    }

    /** Stream 0 failed before the answer: the other streams stop waiting. */
    void fail(final RuntimeException cause)
    {
        if (ready.getCount() > 0)
        {
            failure = cause;
            ready.countDown();
        }
    }

    /** Wait for stream 0's answer. */
    void await()
    {
        try
        {
            ready.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while waiting for the resume map", ex);
        }
        if (failure != null)
        {
            throw new TransferException("stream 0 failed before the resume map arrived: " + failure.getMessage(),
                failure);
        }
    }

    /** @return one of {@code ResumeDescriptor.STATUS_*}. */
    int status()
    {
        return status;
    }

    /** @return durable pages (words), or null when none are skipped. */
    long[] durable()
    {
        return durable;
    }

    /** @return the bitmap the scanners skip: free or durable pages. */
    FreePageBitmap scanBitmap()
    {
        return scanBitmap;
    }

    /** @return true when the receiver resumes. */
    boolean resuming()
    {
        return status == ResumeDescriptor.STATUS_RESUMING;
    }
}
