package dev.schedulerx.examples;

/**
 * Body of one sub-task of {@link TestMapReduceJob}; travels as JSON {@code {"id":"id_7","value":7}}.
 *
 * @param id the order id
 * @param value the order value
 */
public record OrderInfo(String id, int value) {}
